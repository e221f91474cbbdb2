package dev.herald.client;

import org.jspecify.annotations.Nullable;

/**
 * Signals a response that cannot open an event stream: a status other than 200, a {@code
 * Content-Type} other than {@code text/event-stream}, or a redirect that cannot be followed (no
 * {@code Location}, too many redirects, from {@code https} to {@code http}).
 */
public class UnexpectedResponseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable String contentType;

  /**
   * Creates an exception for a response with the given status and {@code Content-Type} (null when
   * it had none).
   */
  public UnexpectedResponseException(int status, @Nullable String contentType, String message) {
    super(message);
    this.status = status;
    this.contentType = contentType;
  }

  /** Returns the response's status code. */
  public int status() {
    return status;
  }

  /** Returns the response's {@code Content-Type}, or null when it had none. */
  public @Nullable String contentType() {
    return contentType;
  }
}
