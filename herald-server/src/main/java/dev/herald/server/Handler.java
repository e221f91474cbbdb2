package dev.herald.server;

/**
 * Handles a request with a single response.
 *
 * <p>The handler runs on the server's handler executor, never on an event-loop thread, so it may
 * block. It returns one of:
 *
 * <ul>
 *   <li>a {@link Response};
 *   <li>a {@link String} ({@code 200}, {@code text/plain; charset=utf-8});
 *   <li>a {@code byte[]} ({@code 200}, {@code application/octet-stream});
 *   <li>{@code null} ({@code 204 No Content});
 *   <li>a {@link StreamableFile}: a download from a file, an input stream or a publisher of bytes,
 *       with ranges, conditional requests and a bounded amount of memory;
 *   <li>a {@link java.util.concurrent.CompletionStage} of any of these, for asynchronous work;
 *   <li>any other object, written as JSON with {@code 200}.
 * </ul>
 *
 * <p>An {@link HttpStatusException} becomes a response with its status and message; any other
 * exception becomes a {@code 500} whose body says nothing about the cause (the cause is logged).
 */
@FunctionalInterface
public interface Handler {
  /** Returns the response to the request; see the type's documentation for what may be returned. */
  Object handle(Request request) throws Exception;
}
