package dev.herald.server;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether a request may reach its handler, before any response is committed.
 *
 * <p>A guard runs on the handler executor, before the handler. It refuses a request by throwing an
 * {@link HttpStatusException} (typically 401 or 403), which the client receives as a normal
 * response. It accepts by returning normally: a non-null return value becomes the request's {@link
 * Request#principal() principal} (for example the user a bearer token names).
 */
@FunctionalInterface
public interface Guard {
  /**
   * Checks the request and returns the principal it establishes, or null for none.
   *
   * @throws HttpStatusException to refuse the request
   */
  @Nullable Object check(Request request) throws Exception;
}
