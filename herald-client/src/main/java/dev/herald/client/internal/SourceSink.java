package dev.herald.client.internal;

import dev.herald.sse.MessageEvent;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link SourceLoop} delivers what happens to its stream: to listeners, or to a {@code
 * Flow.Subscriber}. Every method is called on the loop's thread, one at a time, and must not throw.
 */
public interface SourceSink {
  /**
   * Returns how many more events may be delivered now; {@link Long#MAX_VALUE} for no limit. At 0
   * the loop stops reading until {@link SourceLoop#resume()} is called. May be called from any
   * thread.
   */
  long capacity();

  /** Receives the announcement that a stream opened. */
  void onOpen();

  /** Receives an event; called only while {@link #capacity()} is positive. */
  void onEvent(MessageEvent event);

  /**
   * Receives an error: the ready state is already {@code CONNECTING} if the loop reconnects, {@code
   * CLOSED} if it gives up.
   */
  void onError(Throwable error);

  /**
   * Receives the end: called once, last, with the failure that ended the source, or null when it
   * was closed or told to stop with a 204.
   */
  void onClosed(@Nullable Throwable failure);
}
