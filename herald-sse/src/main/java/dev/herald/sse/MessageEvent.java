package dev.herald.sse;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One frame of a {@code text/event-stream}: an event with data, and optionally an id, a type (the
 * {@code event:} field), a reconnection time and a comment.
 *
 * <p>Instances are immutable and thread-safe. Create one with {@link #of(Object)}, {@link
 * #comment(String)} or {@link #builder()}, and derive variants with {@link #toBuilder()}.
 *
 * <p>Data is usually a {@link String}. Any other object is allowed too: the server writes it as
 * JSON. A frame without data ({@link #data()} is null) dispatches no event in a client; it still
 * carries its id, retry and comment, which is how heartbeats and {@code retry:}-only frames are
 * written.
 *
 * <p>An id or type containing CR, LF or NUL is refused with an {@link IllegalArgumentException}: it
 * would end the field line early and let the rest of the value inject other fields. A comment may
 * contain line breaks: each line becomes its own comment line. Events read by {@link SseParser} are
 * the exception: the specification lets an event type contain NUL, so theirs may.
 */
public final class MessageEvent {
  /** The type a client uses for an event without an {@code event:} field. */
  public static final String DEFAULT_TYPE = "message";

  private final @Nullable Object data;
  private final @Nullable String id;
  private final @Nullable String type;
  private final @Nullable Duration retry;
  private final @Nullable String comment;

  private MessageEvent(Builder builder) {
    this(builder.data, builder.id, builder.type, builder.retry, builder.comment);
  }

  private MessageEvent(
      @Nullable Object data,
      @Nullable String id,
      @Nullable String type,
      @Nullable Duration retry,
      @Nullable String comment) {
    this.data = data;
    this.id = id;
    this.type = type;
    this.retry = retry;
    this.comment = comment;
  }

  /**
   * Returns an event read from a stream. Skips the checks of the builder: the parser only produces
   * an id without CR, LF and NUL, and a type without CR and LF but possibly with NUL, as the
   * specification allows.
   */
  static MessageEvent parsed(String data, @Nullable String id, @Nullable String type) {
    return new MessageEvent(data, id, type, null, null);
  }

  /**
   * Returns an event with the given data, no id and the default type.
   *
   * @param data a {@link String}, or any object the server writes as JSON
   */
  public static MessageEvent of(Object data) {
    return builder().data(Objects.requireNonNull(data, "data")).build();
  }

  /**
   * Returns a comment frame: lines starting with {@code :}, which clients ignore. Servers send
   * these as heartbeats so that proxies keep idle streams open.
   */
  public static MessageEvent comment(String text) {
    return builder().comment(Objects.requireNonNull(text, "text")).build();
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this event's fields. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.data = data;
    builder.id = id;
    builder.type = type;
    builder.retry = retry;
    builder.comment = comment;
    return builder;
  }

  /**
   * Returns the data: a {@link String}, an object to be written as JSON, or null when this frame
   * carries no data.
   */
  public @Nullable Object data() {
    return data;
  }

  /**
   * Returns the data as text: the string itself, or null when there is no data. Events read by the
   * parser always have string data.
   *
   * @throws IllegalStateException if the data is an object that has not been serialized yet
   */
  public @Nullable String dataString() {
    if (data == null || data instanceof String) {
      return (String) data;
    }
    throw new IllegalStateException(
        "data is a " + data.getClass().getName() + ", not a String; serialize it first");
  }

  /**
   * Returns the id ({@code id:} field), or null when the frame has none. An empty id is a
   * deliberate reset: the client stops sending {@code Last-Event-ID}. For events read by the parser
   * this is the stream's last event id at dispatch, as the specification defines it.
   */
  public @Nullable String id() {
    return id;
  }

  /**
   * Returns the event type ({@code event:} field), or null for the default type {@value
   * #DEFAULT_TYPE}.
   */
  public @Nullable String type() {
    return type;
  }

  /** Returns the reconnection time sent to the client ({@code retry:} field), or null for none. */
  public @Nullable Duration retry() {
    return retry;
  }

  /** Returns the comment written before the fields, or null for none. */
  public @Nullable String comment() {
    return comment;
  }

  /** Returns a copy of this event with the given id. */
  public MessageEvent withId(@Nullable String id) {
    return toBuilder().id(id).build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MessageEvent)) {
      return false;
    }
    MessageEvent that = (MessageEvent) o;
    return Objects.equals(data, that.data)
        && Objects.equals(id, that.id)
        && Objects.equals(type, that.type)
        && Objects.equals(retry, that.retry)
        && Objects.equals(comment, that.comment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(data, id, type, retry, comment);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("MessageEvent{");
    if (id != null) {
      s.append("id=").append(id).append(", ");
    }
    if (type != null) {
      s.append("type=").append(type).append(", ");
    }
    if (retry != null) {
      s.append("retry=").append(retry.toMillis()).append("ms, ");
    }
    if (comment != null) {
      s.append("comment=").append(comment).append(", ");
    }
    return s.append("data=").append(data).append('}').toString();
  }

  /** Builds a {@link MessageEvent}. Not thread-safe. */
  public static final class Builder {
    // Duration.toMillis() overflows past this, which would make encoding fail much later.
    private static final Duration MAX_RETRY = Duration.ofMillis(Long.MAX_VALUE);

    private @Nullable Object data;
    private @Nullable String id;
    private @Nullable String type;
    private @Nullable Duration retry;
    private @Nullable String comment;

    private Builder() {}

    /** Sets the data: a {@link String}, an object written as JSON, or null for none. */
    public Builder data(@Nullable Object data) {
      this.data = data;
      return this;
    }

    /**
     * Sets the id, or null for none.
     *
     * @throws IllegalArgumentException if the id contains CR, LF or NUL
     */
    public Builder id(@Nullable String id) {
      this.id = checkFieldValue("id", id, true);
      return this;
    }

    /**
     * Sets the event type, or null (or empty) for the default type {@value #DEFAULT_TYPE}.
     *
     * @throws IllegalArgumentException if the type contains CR, LF or NUL
     */
    public Builder type(@Nullable String type) {
      String checked = checkFieldValue("type", type, true);
      this.type = checked == null || checked.isEmpty() ? null : checked;
      return this;
    }

    /**
     * Sets the reconnection time, or null for none. It is sent in whole milliseconds.
     *
     * @throws IllegalArgumentException if the duration is negative, or too long to count in
     *     milliseconds in a {@code long}
     */
    public Builder retry(@Nullable Duration retry) {
      if (retry != null && retry.isNegative()) {
        throw new IllegalArgumentException("retry: " + retry + " (expected: >= 0)");
      }
      if (retry != null && retry.compareTo(MAX_RETRY) > 0) {
        throw new IllegalArgumentException(
            "retry: " + retry + " (expected: <= " + Long.MAX_VALUE + " ms)");
      }
      this.retry = retry;
      return this;
    }

    /**
     * Sets a comment written before the other fields, or null for none.
     *
     * @throws IllegalArgumentException if the comment contains NUL
     */
    public Builder comment(@Nullable String comment) {
      this.comment = checkFieldValue("comment", comment, false);
      return this;
    }

    /**
     * Returns the event.
     *
     * @throws IllegalStateException if the frame would be empty: no data, id, retry or comment
     */
    public MessageEvent build() {
      if (data == null && id == null && retry == null && comment == null) {
        throw new IllegalStateException("empty frame: set data, id, retry or comment");
      }
      return new MessageEvent(this);
    }

    private static @Nullable String checkFieldValue(
        String name, @Nullable String value, boolean singleLine) {
      if (value == null) {
        return null;
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\0' || (singleLine && (c == '\r' || c == '\n'))) {
          throw new IllegalArgumentException(
              name
                  + " contains "
                  + (c == '\0' ? "NUL" : c == '\r' ? "CR" : "LF")
                  + " at index "
                  + i
                  + (singleLine
                      ? " (expected: no CR, LF or NUL; it would inject fields)"
                      : " (expected: no NUL)"));
        }
      }
      return value;
    }
  }
}
