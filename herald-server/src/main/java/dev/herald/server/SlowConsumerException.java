package dev.herald.server;

/**
 * Signalled by a publisher to have its SSE stream cut at once: the server closes the connection
 * without an error frame, as it does itself for a client that reads too slowly. A client such as a
 * browser's {@code EventSource} reconnects and can resume with {@code Last-Event-ID}.
 */
public class SlowConsumerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message for the server's log. */
  public SlowConsumerException(String message) {
    super(message, null, false, false);
  }
}
