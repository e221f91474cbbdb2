package dev.herald.load.internal;

import dev.herald.sse.MessageEvent;

/** Receives what happens to subscribers' connections, on their event loops. */
interface SubscriberEvents {
  /** Called when the response head of a stream arrived: status 200, {@code text/event-stream}. */
  void connected(Client client);

  /** Called for each event received. */
  void event(Client client, MessageEvent event);

  /** Called when a connection attempt failed before a stream opened. */
  void failed(Client client, String reason);

  /** Called when an open stream ended. */
  void closed(Client client);
}
