package dev.herald.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Turns handler results and errors into complete Netty responses. */
final class Responses {
  private Responses() {}

  /** Returns a short {@code text/plain} response; the text gets a final newline. */
  static FullHttpResponse text(HttpVersion version, int status, String text) {
    return full(
        version,
        status,
        Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8),
        Response.TEXT_PLAIN);
  }

  static FullHttpResponse methodNotAllowed(HttpVersion version, List<String> allowed) {
    FullHttpResponse response = text(version, 405, "method not allowed");
    response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", allowed));
    return response;
  }

  /**
   * Converts what a {@link dev.herald.server.Handler} returned; see its documentation.
   *
   * @throws IllegalStateException if an object cannot be written as JSON
   */
  static FullHttpResponse from(HttpVersion version, Object result, ObjectMapper mapper) {
    if (result == null) {
      return full(version, 204, Unpooled.EMPTY_BUFFER, null);
    }
    if (result instanceof Response) {
      return fromResponse(version, (Response) result, mapper);
    }
    if (result instanceof String) {
      return full(
          version,
          200,
          Unpooled.copiedBuffer((String) result, StandardCharsets.UTF_8),
          Response.TEXT_PLAIN);
    }
    if (result instanceof byte[]) {
      return full(
          version, 200, Unpooled.wrappedBuffer((byte[]) result), "application/octet-stream");
    }
    return full(version, 200, json(result, mapper), Response.APPLICATION_JSON);
  }

  private static FullHttpResponse fromResponse(
      HttpVersion version, Response r, ObjectMapper mapper) {
    Object body = r.body();
    ByteBuf content;
    String type;
    if (body == null) {
      content = Unpooled.EMPTY_BUFFER;
      type = null;
    } else if (body instanceof String) {
      content = Unpooled.copiedBuffer((String) body, StandardCharsets.UTF_8);
      type = Response.TEXT_PLAIN;
    } else if (body instanceof byte[]) {
      content = Unpooled.wrappedBuffer((byte[]) body);
      type = "application/octet-stream";
    } else {
      content = json(((Response.Json) body).value(), mapper);
      type = Response.APPLICATION_JSON;
    }
    FullHttpResponse response = full(version, r.status(), content, type);
    HttpHeaders headers = response.headers();
    boolean typeSet = false;
    for (Map.Entry<String, String> header : r.headers()) {
      if (!typeSet && header.getKey().equalsIgnoreCase("Content-Type")) {
        headers.remove(HttpHeaderNames.CONTENT_TYPE);
        typeSet = true;
      }
      headers.add(header.getKey(), header.getValue());
    }
    return response;
  }

  private static ByteBuf json(Object value, ObjectMapper mapper) {
    try {
      return Unpooled.wrappedBuffer(mapper.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
    }
  }

  private static FullHttpResponse full(
      HttpVersion version, int status, ByteBuf content, String type) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status), content);
    if (type != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    }
    if (status != 204 && status != 304) {
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    }
    return response;
  }
}
