package dev.herald.client;

import org.jspecify.annotations.Nullable;

/**
 * Signals that a {@link HubPublisher} could not publish: the hub refused the update, or every
 * attempt failed.
 */
public class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * Creates an exception for the hub's last status (0 when no response arrived) with the cause of
   * the last failure, if any.
   */
  public PublishException(int status, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** Returns the status of the hub's last response, or 0 when none arrived. */
  public int status() {
    return status;
  }
}
