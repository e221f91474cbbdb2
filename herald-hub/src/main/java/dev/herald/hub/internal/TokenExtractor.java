package dev.herald.hub.internal;

import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds the token a request presents, in the draft's order of precedence (MERCURE.md part 4).
 *
 * <ol>
 *   <li>An {@code Authorization} header, if present, alone decides: there must be exactly one, made
 *       of the case-sensitive {@code Bearer } (one space) and a non-empty token, or the request is
 *       refused even if it also carries a valid cookie. The reference hub also wants the header to
 *       be at least 48 characters long; that rule is left out, because a shorter token never
 *       verifies, so it only changes the message of the 401.
 *   <li>Otherwise an {@code authorization} query parameter, if present, decides: exactly one
 *       non-empty value.
 *   <li>Otherwise the cookie (by default {@code mercureAuthorization}). For a publication, which a
 *       foreign page could forge with the browser's cookie, the {@code Origin} header, or failing
 *       that the scheme, host and port of {@code Referer}, must be one of the publish origins
 *       ({@code *} allows any, but not a request with neither header). An empty cookie counts as no
 *       cookie: it carries no credential, and sites clear cookies by emptying them.
 *   <li>Otherwise there is no token.
 * </ol>
 */
public final class TokenExtractor {
  /** The cookie name the draft recommends. */
  public static final String DEFAULT_COOKIE_NAME = "mercureAuthorization";

  private static final String BEARER = "Bearer ";

  private TokenExtractor() {}

  /**
   * Returns the request's token, or null if it presents none.
   *
   * @param cookieName the name of the cookie that may carry the token
   * @param isPublish whether the request publishes, which makes a cookie need an allowed origin
   * @param publishOrigins the origins a cookie-authorized publication may come from; {@code *}
   *     allows any
   * @throws HttpStatusException with status 401 if the header or the query parameter is malformed,
   *     or a cookie publishes from an origin that is missing or not allowed
   */
  public static @Nullable String extract(
      Request request, String cookieName, boolean isPublish, Set<String> publishOrigins) {
    List<String> headers = request.headers("Authorization");
    if (!headers.isEmpty()) {
      return fromHeader(headers);
    }
    List<String> params = request.queryAll("authorization");
    if (!params.isEmpty()) {
      return fromQuery(params);
    }
    String cookie = request.cookie(cookieName);
    if (cookie == null || cookie.isEmpty()) {
      return null;
    }
    if (isPublish && !originAllowed(request, publishOrigins)) {
      throw HttpStatusException.unauthorized("cookie authorization needs an allowed Origin");
    }
    return cookie;
  }

  private static String fromHeader(List<String> headers) {
    String value = headers.get(0);
    if (headers.size() != 1 || !value.startsWith(BEARER) || value.length() == BEARER.length()) {
      throw HttpStatusException.unauthorized("invalid Authorization header");
    }
    return value.substring(BEARER.length());
  }

  private static String fromQuery(List<String> params) {
    if (params.size() != 1 || params.get(0).isEmpty()) {
      throw HttpStatusException.unauthorized("invalid authorization query parameter");
    }
    return params.get(0);
  }

  private static boolean originAllowed(Request request, Set<String> publishOrigins) {
    String origin = request.header("Origin");
    if (origin == null || origin.isEmpty()) {
      origin = originOf(request.header("Referer"));
    }
    return origin != null && (publishOrigins.contains("*") || publishOrigins.contains(origin));
  }

  /** Returns {@code scheme://host[:port]} of a URL, or null if it has no scheme or host. */
  static @Nullable String originOf(@Nullable String referer) {
    if (referer == null) {
      return null;
    }
    try {
      URI uri = new URI(referer);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return null;
      }
      String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
      return uri.getScheme() + "://" + uri.getHost() + port;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
