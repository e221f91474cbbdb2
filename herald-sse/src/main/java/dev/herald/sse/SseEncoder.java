package dev.herald.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@link MessageEvent}s in the {@code text/event-stream} format, so that every conforming
 * client parses back the same event.
 *
 * <p>A frame is written in this order: the comment, one {@code : line} per line; {@code retry:}
 * with the reconnection time in whole milliseconds; {@code id:} (also when empty, which resets the
 * client's last event id); {@code event:}; the data, one {@code data: line} per line; then a blank
 * line. Comments and data are split at CRLF, CR and LF, so a client receives CR and CRLF in data as
 * LF. Every field is written with one space after the colon, so values starting with a space
 * survive. Data that is not a {@link String} goes through the encoder's serializer.
 *
 * <p>Instances are immutable and thread-safe if the serializer is.
 */
public final class SseEncoder {
  private final @Nullable Function<Object, String> dataSerializer;

  private SseEncoder(@Nullable Function<Object, String> dataSerializer) {
    this.dataSerializer = dataSerializer;
  }

  /**
   * Returns an encoder for events whose data is a {@link String}. It refuses other data with an
   * {@link IllegalArgumentException}.
   */
  public static SseEncoder create() {
    return new SseEncoder(null);
  }

  /**
   * Returns an encoder that turns data other than a {@link String} into text with the given
   * serializer (a JSON mapper, typically). The serializer must return non-null text; it may contain
   * line breaks.
   */
  public static SseEncoder create(Function<Object, String> dataSerializer) {
    return new SseEncoder(Objects.requireNonNull(dataSerializer, "dataSerializer"));
  }

  /**
   * Appends the frame of the given event to {@code out}. If the data cannot be serialized, nothing
   * is appended.
   *
   * @throws IllegalArgumentException if the data is not a {@link String} and this encoder has no
   *     serializer
   */
  public void encode(MessageEvent event, StringBuilder out) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(out, "out");
    String text = dataText(event.data());
    appendFields(event, text, out);
  }

  /**
   * Returns the frame of the given event.
   *
   * @throws IllegalArgumentException if the data is not a {@link String} and this encoder has no
   *     serializer
   */
  public String encodeToString(MessageEvent event) {
    Objects.requireNonNull(event, "event");
    String text = dataText(event.data());
    StringBuilder out = new StringBuilder(estimateLength(event, text));
    appendFields(event, text, out);
    return out.toString();
  }

  /**
   * Returns the frame of the given event in UTF-8. An unpaired surrogate in a value is written as
   * {@code ?}, as {@link String#getBytes(java.nio.charset.Charset)} does.
   *
   * @throws IllegalArgumentException if the data is not a {@link String} and this encoder has no
   *     serializer
   */
  public byte[] encode(MessageEvent event) {
    return encodeToString(event).getBytes(StandardCharsets.UTF_8);
  }

  private @Nullable String dataText(@Nullable Object data) {
    if (data == null || data instanceof String) {
      return (String) data;
    }
    if (dataSerializer == null) {
      throw new IllegalArgumentException(
          "data is a "
              + data.getClass().getName()
              + ", not a String: give the encoder a serializer");
    }
    return Objects.requireNonNull(
        dataSerializer.apply(data),
        () -> "dataSerializer returned null for a " + data.getClass().getName());
  }

  private static void appendFields(MessageEvent event, @Nullable String text, StringBuilder out) {
    String comment = event.comment();
    if (comment != null) {
      appendLines(": ", comment, out);
    }
    Duration retry = event.retry();
    if (retry != null) {
      out.append("retry: ").append(retry.toMillis()).append('\n');
    }
    String id = event.id();
    if (id != null) {
      out.append("id: ").append(id).append('\n');
    }
    String type = event.type();
    if (type != null) {
      out.append("event: ").append(type).append('\n');
    }
    if (text != null) {
      appendLines("data: ", text, out);
    }
    out.append('\n');
  }

  /** Appends one {@code prefix line LF} per line of the text, ending lines at CRLF, CR or LF. */
  private static void appendLines(String prefix, String text, StringBuilder out) {
    int lineStart = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        out.append(prefix).append(text, lineStart, i).append('\n');
        if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
          i++;
        }
        lineStart = i + 1;
      }
    }
    out.append(prefix).append(text, lineStart, length).append('\n');
  }

  private static int estimateLength(MessageEvent event, @Nullable String text) {
    int length = 8 + (text == null ? 0 : text.length());
    length += lengthOf(event.comment()) + lengthOf(event.id()) + lengthOf(event.type());
    return length + (event.retry() == null ? 0 : 28);
  }

  private static int lengthOf(@Nullable String value) {
    return value == null ? 0 : value.length() + 8;
  }
}
