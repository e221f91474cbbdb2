package dev.herald.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP request as a handler sees it: method, path, parameters, headers, cookies and the body,
 * already read in full (up to the server's body size limit).
 *
 * <p>Instances are immutable once the handler runs, and safe to read from any thread. Header names
 * are case-insensitive.
 */
public interface Request {
  /** Returns the method, upper case ({@code GET}, {@code POST}, …). */
  String method();

  /** Returns the decoded path, without the query string. */
  String path();

  /** Returns the request target as sent: path and query string, not decoded. */
  String uri();

  /** Returns the value of a path parameter ({@code :id} in {@code /jobs/:id}), or null. */
  @Nullable String pathParam(String name);

  /** Returns all path parameters, by name. */
  Map<String, String> pathParams();

  /** Returns the first value of a query parameter, or null if it is absent. */
  @Nullable String query(String name);

  /** Returns every value of a query parameter, in order; empty if it is absent. */
  List<String> queryAll(String name);

  /** Returns all query parameters, by name, each with its values in order. */
  Map<String, List<String>> queryParams();

  /** Returns the first value of a header, or null if it is absent. */
  @Nullable String header(String name);

  /** Returns every value of a header, in order; empty if it is absent. */
  List<String> headers(String name);

  /** Returns the value of a cookie, or null if the request does not carry it. */
  @Nullable String cookie(String name);

  /** Returns the body's bytes; empty if there is none. The array is a copy. */
  byte[] body();

  /** Returns the body decoded as UTF-8. */
  String bodyText();

  /**
   * Returns the body read as JSON into the given type.
   *
   * @throws HttpStatusException with status 400 if the body is not valid JSON for the type
   */
  <T> T bodyJson(Class<T> type);

  /**
   * Returns the id of the last event the client received, for resuming a stream: the {@code
   * Last-Event-ID} header, or the {@code lastEventId} query parameter for clients that cannot set
   * headers; null if neither is present.
   */
  @Nullable String lastEventId();

  /** Returns the principal a {@link Guard} established, or null if none did. */
  @Nullable Object principal();

  /**
   * Returns the principal as the given type.
   *
   * @throws HttpStatusException with status 401 if there is no principal
   * @throws ClassCastException if the principal is of another type
   */
  <T> T principal(Class<T> type);

  /** Returns the address of the client's end of the connection. */
  InetSocketAddress remoteAddress();
}
