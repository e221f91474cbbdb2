package dev.herald.server.internal;

import dev.herald.sse.MessageEvent;
import io.netty.channel.EventLoop;

/** What connections need from their server: options, the encoder and the counters. */
interface ServerContext {
  ServerConfig config();

  /** Encodes an event as text; non-string data as JSON. Thread-safe. */
  String encode(MessageEvent event);

  void streamOpened();

  void streamClosed();

  void slowConsumerCut();

  /** Returns the batch of stream drains of {@code loop}, one per event loop. Thread-safe. */
  DrainBatch drains(EventLoop loop);
}
