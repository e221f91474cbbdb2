package dev.herald.sse;

/**
 * Receives what an {@link SseParser} reads from a {@code text/event-stream}.
 *
 * <p>The parser calls these methods on the thread that feeds it, synchronously, in stream order. A
 * method must not feed the same parser again. If a method throws, the exception propagates out of
 * {@link SseParser#feed(byte[], int, int)} and the parser becomes unusable.
 */
@FunctionalInterface
public interface SseListener {
  /**
   * Receives a dispatched event: its data is a {@link String}, its {@link MessageEvent#id() id} is
   * the stream's last event id at dispatch (null when that is empty), its {@link
   * MessageEvent#type() type} is null for the default type {@value MessageEvent#DEFAULT_TYPE}. It
   * has no retry and no comment.
   */
  void onEvent(MessageEvent event);

  /**
   * Receives a comment line: the text after the colon, with one leading space removed. Does nothing
   * by default.
   */
  default void onComment(String comment) {}

  /**
   * Receives a valid {@code retry} field, as soon as its line is read and not when the event is
   * dispatched: the new reconnection time in milliseconds. Does nothing by default.
   */
  default void onRetry(long millis) {}
}
