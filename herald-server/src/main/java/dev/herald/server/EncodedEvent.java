package dev.herald.server;

import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An event already encoded as {@code text/event-stream} bytes, to be written as is. A publisher
 * that sends one event to many streams encodes it once and sends the same {@code EncodedEvent} to
 * each: no stream copies or re-encodes it.
 *
 * <p>Immutable and thread-safe. The bytes are shared, not copied: whoever passes an array to {@link
 * #of(byte[])} must not change it afterwards.
 */
public final class EncodedEvent {
  private static final SseEncoder ENCODER = SseEncoder.create();

  private final byte[] frame;

  private EncodedEvent(byte[] frame) {
    this.frame = frame;
  }

  /**
   * Returns an event for a complete frame: its fields and the blank line that ends it.
   *
   * @throws IllegalArgumentException if the frame is empty or does not end with a line feed
   */
  public static EncodedEvent of(byte[] frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.length == 0 || frame[frame.length - 1] != '\n') {
      throw new IllegalArgumentException("frame: does not end with a line feed");
    }
    return new EncodedEvent(frame);
  }

  /**
   * Returns the encoding of an event whose data is a {@link String} or absent.
   *
   * @throws IllegalArgumentException if the data is another object (encode it as JSON first)
   */
  public static EncodedEvent of(MessageEvent event) {
    return new EncodedEvent(ENCODER.encode(event));
  }

  /** Returns the number of bytes in the frame. */
  public int size() {
    return frame.length;
  }

  /** Returns the frame bytes. They are shared, not copied: callers must not modify them. */
  public byte[] bytes() {
    return frame;
  }

  @Override
  public String toString() {
    return "EncodedEvent{" + frame.length + " bytes: " + preview() + "}";
  }

  private String preview() {
    String text = new String(frame, 0, Math.min(frame.length, 60), StandardCharsets.UTF_8);
    return text.replace("\n", "\\n");
  }
}
