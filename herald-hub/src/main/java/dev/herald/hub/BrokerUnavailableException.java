package dev.herald.hub;

/**
 * Thrown when the hub's broker cannot accept or look up updates now (its store is unreachable).
 * Nothing was acknowledged; the hub answers {@code 503} with {@code Retry-After}, and the caller
 * may try again with the same id.
 */
public final class BrokerUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message and the cause, which may be null. */
  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message. */
  public BrokerUnavailableException(String message) {
    super(message);
  }
}
