package dev.herald.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A complete HTTP response: status, headers and a body that is text, bytes, or an object written as
 * JSON.
 *
 * <p>Instances are immutable. Use the static factories for common cases and {@link #builder(int)}
 * for the rest.
 */
public final class Response {
  /** The content type of text bodies. */
  public static final String TEXT_PLAIN = "text/plain; charset=utf-8";

  /** The content type of JSON bodies. */
  public static final String APPLICATION_JSON = "application/json";

  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final @Nullable Object body;

  private Response(Builder builder) {
    this.status = builder.status;
    this.headers = List.copyOf(builder.headers);
    this.body = builder.body;
  }

  /** Returns a {@code 200} response whose body is the given text, bytes or JSON object. */
  public static Response ok(Object body) {
    return builder(200).body(body).build();
  }

  /** Returns a {@code text/plain} response with the given status. */
  public static Response text(int status, String text) {
    return builder(status).body(Objects.requireNonNull(text, "text")).build();
  }

  /** Returns a {@code 200} response whose body is the object written as JSON (even a string). */
  public static Response json(Object value) {
    return builder(200).json(value).build();
  }

  /** Returns a response with the given status and no body. */
  public static Response status(int status) {
    return builder(status).build();
  }

  /** Returns a {@code 204 No Content} response. */
  public static Response noContent() {
    return status(204);
  }

  /**
   * Returns a builder for a response with the given status.
   *
   * @throws IllegalArgumentException if the status is not in 200..599
   */
  public static Builder builder(int status) {
    return new Builder(status);
  }

  /** Returns the status. */
  public int status() {
    return status;
  }

  /** Returns the headers in the order they were added; names as given. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /**
   * Returns the body: a {@link String}, a {@code byte[]}, a {@link Json} wrapper, or null for none.
   */
  public @Nullable Object body() {
    return body;
  }

  /** An object to be written as JSON, even when it is a {@link String}. */
  public static final class Json {
    private final Object value;

    Json(Object value) {
      this.value = Objects.requireNonNull(value, "value");
    }

    /** Returns the object to be written. */
    public Object value() {
      return value;
    }
  }

  /** Builds a {@link Response}. Not thread-safe. */
  public static final class Builder {
    private final int status;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private @Nullable Object body;

    private Builder(int status) {
      if (status < 200 || status > 599) {
        throw new IllegalArgumentException("status: " + status + " (expected: 200..599)");
      }
      this.status = status;
    }

    /**
     * Adds a header; a header may be added more than once.
     *
     * @throws IllegalArgumentException if the name or value contains CR or LF
     */
    public Builder header(String name, String value) {
      checkHeaderText("header name", name);
      checkHeaderText("header value", value);
      headers.add(Map.entry(name, value));
      return this;
    }

    /**
     * Sets the body: a {@link String} (sent as {@code text/plain; charset=utf-8} unless a {@code
     * Content-Type} header is set), a {@code byte[]} (sent as {@code application/octet-stream}
     * unless set), any other object (sent as JSON), or null for none.
     */
    public Builder body(@Nullable Object body) {
      if (body == null
          || body instanceof String
          || body instanceof byte[]
          || body instanceof Json) {
        this.body = body;
      } else {
        this.body = new Json(body);
      }
      return this;
    }

    /** Sets the body to the object written as JSON. */
    public Builder json(Object value) {
      this.body = new Json(value);
      return this;
    }

    /** Returns the response. */
    public Response build() {
      return new Response(this);
    }

    private static void checkHeaderText(String what, String text) {
      Objects.requireNonNull(text, what);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\r' || c == '\n') {
          throw new IllegalArgumentException(what + " contains CR or LF: " + text.strip());
        }
      }
      if (text.getBytes(StandardCharsets.UTF_8).length > 8192) {
        throw new IllegalArgumentException(what + " too long (expected: <= 8192 bytes)");
      }
    }
  }
}
