package dev.herald.load;

/** Reports that a load run could not complete: the server refused, failed or stopped answering. */
public final class BenchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Returns an exception with a message for people, without a stack trace worth printing. */
  public BenchException(String message) {
    super(message);
  }
}
