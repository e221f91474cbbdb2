package dev.herald.sse;

/**
 * Signals that a {@code text/event-stream} exceeded one of an {@link SseParser}'s limits. The
 * specification has no parse errors: every other byte sequence is accepted.
 */
public class SseParseException extends RuntimeException {
  /** Creates an exception with the given message. */
  public SseParseException(String message) {
    super(message);
  }
}
