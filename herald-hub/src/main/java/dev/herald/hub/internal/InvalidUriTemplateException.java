package dev.herald.hub.internal;

/**
 * Thrown by {@link UriTemplate#parse} when a string is not a URI template that {@code
 * github.com/yosida95/uritemplate/v3} accepts. The message names the reason and the offending
 * character index, for example {@code "invalid literals at 3: a b"}.
 *
 * <p>Selectors come from untrusted clients, so this exception is expected and cheap: it records no
 * stack trace.
 */
final class InvalidUriTemplateException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int index;

  InvalidUriTemplateException(String reason, int index, String template) {
    super(reason + " at " + index + ": " + template, null);
    this.index = index;
  }

  /** Returns the index (in chars) where parsing stopped. */
  int index() {
    return index;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // an expected, client-caused outcome: the trace would only cost time
  }
}
