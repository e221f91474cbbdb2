package dev.herald.server.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The request a handler sees. Built on the event loop from a complete Netty request whose buffers
 * are released at once: this holds copies only. The principal is set by the handler thread, before
 * the handler runs, and only read afterwards.
 */
final class DefaultRequest implements Request {
  private final String method;
  private final String uri;
  private final QueryStringDecoder query;
  private final Map<String, String> pathParams;
  private final HttpHeaders headers;
  private final byte[] body;
  private final InetSocketAddress remoteAddress;
  private final ObjectMapper objectMapper;
  private volatile @Nullable Object principal;
  private volatile @Nullable List<Cookie> cookies;

  DefaultRequest(
      String method,
      String uri,
      QueryStringDecoder query,
      Map<String, String> pathParams,
      HttpHeaders headers,
      byte[] body,
      InetSocketAddress remoteAddress,
      ObjectMapper objectMapper) {
    this.method = method;
    this.uri = uri;
    this.query = query;
    this.pathParams = Map.copyOf(pathParams);
    this.headers = headers;
    this.body = body;
    this.remoteAddress = remoteAddress;
    this.objectMapper = objectMapper;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return query.path();
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public @Nullable String pathParam(String name) {
    return pathParams.get(name);
  }

  @Override
  public Map<String, String> pathParams() {
    return pathParams;
  }

  @Override
  public @Nullable String query(String name) {
    List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public List<String> queryAll(String name) {
    List<String> values = query.parameters().get(name);
    return values == null ? List.of() : List.copyOf(values);
  }

  @Override
  public Map<String, List<String>> queryParams() {
    return query.parameters();
  }

  @Override
  public @Nullable String header(String name) {
    return headers.get(name);
  }

  @Override
  public List<String> headers(String name) {
    return headers.getAll(name);
  }

  @Override
  public @Nullable String cookie(String name) {
    List<Cookie> parsed = cookies;
    if (parsed == null) {
      parsed = List.of();
      for (String header : headers.getAll("Cookie")) {
        parsed = concat(parsed, ServerCookieDecoder.STRICT.decodeAll(header));
      }
      cookies = parsed;
    }
    for (Cookie cookie : parsed) {
      if (cookie.name().equals(name)) {
        return cookie.value();
      }
    }
    return null;
  }

  private static List<Cookie> concat(List<Cookie> a, List<Cookie> b) {
    if (a.isEmpty()) {
      return b;
    }
    List<Cookie> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public <T> T bodyJson(Class<T> type) {
    if (body.length == 0) {
      throw HttpStatusException.badRequest("request body is empty (expected: JSON)");
    }
    try {
      return objectMapper.readValue(body, type);
    } catch (JsonMappingException e) {
      // Never the mapper's own message: it names Java classes.
      throw new HttpStatusException(400, "invalid JSON body" + jsonPath(e), e);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      throw new HttpStatusException(
          400,
          at == null
              ? "malformed JSON body"
              : "malformed JSON body at line " + at.getLineNr() + ", column " + at.getColumnNr(),
          e);
    } catch (IOException e) {
      throw new HttpStatusException(400, "unreadable JSON body", e);
    }
  }

  /** Returns where in the document a mapping failed, as {@code " at items[2].name"}. */
  static String jsonPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "" : " at " + path;
  }

  @Override
  public @Nullable String lastEventId() {
    String id = headers.get("Last-Event-ID");
    return id != null ? id : query("lastEventId");
  }

  @Override
  public @Nullable Object principal() {
    return principal;
  }

  @Override
  public <T> T principal(Class<T> type) {
    Object p = principal;
    if (p == null) {
      throw HttpStatusException.unauthorized("unauthenticated");
    }
    return type.cast(p);
  }

  void principal(@Nullable Object principal) {
    this.principal = principal;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return method + " " + query.path();
  }
}
