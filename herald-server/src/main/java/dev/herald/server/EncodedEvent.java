package dev.herald.server;

import dev.herald.server.internal.EventWire;
import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An event already encoded as {@code text/event-stream} bytes, to be written as is. A publisher
 * that sends one event to many streams encodes it once and sends the same {@code EncodedEvent} to
 * each: no stream copies or re-encodes it.
 *
 * <p>Immutable and thread-safe. The bytes are shared, not copied: whoever passes an array to {@link
 * #of(byte[])} must not change it afterwards. On its first write the engine copies the frame once
 * into a direct buffer that every stream then writes from (framed as an HTTP/1.1 chunk), so a
 * fan-out costs no copy per connection.
 */
public final class EncodedEvent {
  private static final SseEncoder ENCODER = SseEncoder.create();

  static {
    EventWire.install(
        new EventWire.Access() {
          @Override
          public ByteBuf chunk(EncodedEvent event) {
            return event.wire().duplicate();
          }

          @Override
          public ByteBuf frame(EncodedEvent event) {
            return event.wire().slice(chunkHeaderLength(event.frame.length), event.frame.length);
          }
        });
  }

  private final byte[] frame;

  /**
   * The frame as an HTTP/1.1 chunk, {@code size CRLF frame CRLF}, in a direct buffer that nothing
   * writes to once made and that release never frees (the garbage collector does); made on first
   * use. Threads racing to make it may each make one: any of them serves.
   */
  private volatile @Nullable ByteBuf wire;

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

  private ByteBuf wire() {
    ByteBuf w = wire;
    if (w == null) {
      int header = chunkHeaderLength(frame.length);
      ByteBuffer direct = ByteBuffer.allocateDirect(header + frame.length + 2);
      direct.put(Integer.toHexString(frame.length).getBytes(StandardCharsets.US_ASCII));
      direct.put((byte) '\r').put((byte) '\n').put(frame).put((byte) '\r').put((byte) '\n');
      direct.flip();
      w = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
      wire = w;
    }
    return w;
  }

  private static int chunkHeaderLength(int size) {
    return Integer.toHexString(size).length() + 2;
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
