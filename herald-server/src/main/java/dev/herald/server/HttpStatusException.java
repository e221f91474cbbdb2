package dev.herald.server;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Thrown by handlers and guards to answer with an HTTP status and a short text message.
 *
 * <p>Before a stream opens, the client receives a normal response with this status and the message
 * as a {@code text/plain} body. After an SSE stream has opened, the client receives an {@code
 * event: error} frame carrying the message, then the stream closes. The message is shown to the
 * client, so it must not hold secrets; the cause, if any, is only logged.
 */
public class HttpStatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final List<Map.Entry<String, String>> headers = new CopyOnWriteArrayList<>();

  /**
   * Creates an exception for the given status and client-visible message.
   *
   * @throws IllegalArgumentException if the status is not in 400..599
   */
  public HttpStatusException(int status, String message) {
    this(status, message, null);
  }

  /** Creates an exception with a cause that is logged but never shown to the client. */
  public HttpStatusException(int status, String message, Throwable cause) {
    super(message, cause);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
    }
    this.status = status;
  }

  /**
   * Adds a header to the response this exception becomes, such as {@code WWW-Authenticate} on a 401
   * or {@code Retry-After} on a 503; returns this exception.
   *
   * @throws IllegalArgumentException if the name or value contains CR or LF
   */
  public HttpStatusException header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if ((name + value).indexOf('\r') >= 0 || (name + value).indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header contains CR or LF: " + name);
    }
    headers.add(Map.entry(name, value));
    return this;
  }

  /** Returns the headers added with {@link #header(String, String)}, in order. */
  public List<Map.Entry<String, String>> headers() {
    return List.copyOf(headers);
  }

  /** Returns the HTTP status, in 400..599. */
  public int status() {
    return status;
  }

  /** Returns a 400 Bad Request exception. */
  public static HttpStatusException badRequest(String message) {
    return new HttpStatusException(400, message);
  }

  /** Returns a 401 Unauthorized exception. */
  public static HttpStatusException unauthorized(String message) {
    return new HttpStatusException(401, message);
  }

  /** Returns a 403 Forbidden exception. */
  public static HttpStatusException forbidden(String message) {
    return new HttpStatusException(403, message);
  }

  /** Returns a 404 Not Found exception. */
  public static HttpStatusException notFound(String message) {
    return new HttpStatusException(404, message);
  }
}
