package dev.herald.client.internal;

import dev.herald.client.UnexpectedResponseException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds the requests of an event source: the first of each connection attempt, and those that
 * follow redirects. Redirects are followed here rather than by the HTTP client, so that every
 * redirect status behaves as Fetch says whatever client is configured, and so that credentials do
 * not follow a redirect to another origin.
 */
final class Requests {
  /** The most redirects followed within one connection attempt, as in Fetch. */
  static final int MAX_REDIRECTS = 20;

  static final String LAST_EVENT_ID = "Last-Event-ID";
  static final String AUTHORIZATION = "Authorization";

  private final SourceConfig config;

  Requests(SourceConfig config) {
    this.config = config;
  }

  /** What stays the same across the requests of one connection attempt. */
  record Attempt(String lastEventId, @Nullable String token) {
    /** Returns whether the id has characters outside ASCII. */
    boolean nonAsciiId() {
      for (int i = 0; i < lastEventId.length(); i++) {
        if (lastEventId.charAt(i) > 0x7F) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Starts an attempt: calls the token supplier, once.
   *
   * @throws RuntimeException whatever the token supplier throws
   */
  Attempt attempt(String lastEventId) {
    String token = null;
    if (config.token() != null) {
      token = Objects.requireNonNull(config.token().get(), "token supplier returned null");
    }
    return new Attempt(lastEventId, token);
  }

  /**
   * Returns the attempt's first request.
   *
   * @throws IllegalStateException if the last event id cannot be sent as a header value
   */
  HttpRequest first(Attempt attempt) {
    return build(config.uri(), config.method(), config.body(), attempt);
  }

  /**
   * Returns the request that follows a redirect, or throws if it must not be followed.
   *
   * @throws UnexpectedResponseException if the location is missing or malformed, leaves HTTP(S), or
   *     goes from {@code https} to {@code http}
   */
  HttpRequest redirect(
      HttpRequest previous, int status, @Nullable String location, Attempt attempt) {
    if (location == null || location.isBlank()) {
      throw new UnexpectedResponseException(
          status, null, "redirect " + status + " without a Location header");
    }
    URI target;
    try {
      target = previous.uri().resolve(location.strip());
    } catch (IllegalArgumentException e) {
      throw new UnexpectedResponseException(
          status, null, "redirect " + status + " to a malformed Location: " + location);
    }
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UnexpectedResponseException(
          status, null, "redirect " + status + " to a URI that is not HTTP: " + target);
    }
    if (scheme.equals("http") && "https".equalsIgnoreCase(previous.uri().getScheme())) {
      throw new UnexpectedResponseException(
          status, null, "redirect " + status + " from https to http refused: " + target);
    }
    String method = previous.method();
    HttpRequest.BodyPublisher body = previous.bodyPublisher().orElse(null);
    // Fetch: 303 turns anything but HEAD into GET; 301 and 302 turn POST into GET.
    if ((status == 303 && !method.equals("HEAD"))
        || ((status == 301 || status == 302) && method.equals("POST"))) {
      method = "GET";
      body = null;
    }
    return build(target, method, body, attempt);
  }

  private HttpRequest build(
      URI uri, String method, HttpRequest.@Nullable BodyPublisher body, Attempt attempt) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
            .header("Accept", MediaTypes.EVENT_STREAM)
            .header("Cache-Control", "no-cache");
    if (!config.readTimeout().isZero()) {
      // Until the response head arrives; then the loop watches the body itself.
      request.timeout(config.readTimeout());
    }
    if (config.version() != null) {
      request.version(config.version());
    }
    boolean sameOrigin = sameOrigin(uri, config.uri());
    for (SourceConfig.Header header : config.headers()) {
      if (sameOrigin || !header.name().equalsIgnoreCase(AUTHORIZATION)) {
        request.setHeader(header.name(), header.value());
      }
    }
    if (attempt.token() != null && sameOrigin) {
      request.setHeader(AUTHORIZATION, "Bearer " + attempt.token());
    }
    if (!attempt.lastEventId().isEmpty()) {
      request.setHeader(LAST_EVENT_ID, headerValue(attempt.lastEventId()));
    }
    return request.build();
  }

  /**
   * Returns the id as the JDK client sends it: its HTTP/2 encoder writes each char as one byte, so
   * the UTF-8 bytes go as chars of the same value, which puts the UTF-8 encoding on the wire. (Its
   * HTTP/1.1 encoder writes US-ASCII and turns the other bytes into {@code ?}: see {@link
   * SourceLoop}.)
   *
   * @throws IllegalStateException if the id holds a control character, which the client refuses
   */
  static String headerValue(String lastEventId) {
    for (int i = 0; i < lastEventId.length(); i++) {
      char c = lastEventId.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F) {
        throw new IllegalStateException(
            "Last-Event-ID holds control character U+"
                + String.format(Locale.ROOT, "%04X", (int) c)
                + " at index "
                + i
                + ", which the HTTP client cannot send");
      }
    }
    byte[] utf8 = lastEventId.getBytes(StandardCharsets.UTF_8);
    return new String(utf8, StandardCharsets.ISO_8859_1);
  }

  static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
        && Objects.equals(lower(a.getHost()), lower(b.getHost()))
        && port(a) == port(b);
  }

  private static @Nullable String lower(@Nullable String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
