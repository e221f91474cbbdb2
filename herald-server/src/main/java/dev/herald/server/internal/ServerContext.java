package dev.herald.server.internal;

import dev.herald.sse.MessageEvent;

/** What connections need from their server: options, the encoder and the counters. */
interface ServerContext {
  ServerConfig config();

  /** Encodes an event as text; non-string data as JSON. Thread-safe. */
  String encode(MessageEvent event);

  void streamOpened();

  void streamClosed();

  void slowConsumerCut();
}
