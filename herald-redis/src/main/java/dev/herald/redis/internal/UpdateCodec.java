package dev.herald.redis.internal;

import dev.herald.hub.Update;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Encodes an update (with its id) as the value of a stream entry. Stateless and thread-safe.
 *
 * <p>Format version 1, big-endian; a string is an {@code i32} byte length followed by its UTF-8
 * bytes (an unpaired surrogate becomes {@code ?}, as it would on the wire):
 *
 * <pre>
 * u8 version (1) | u8 flags | i32 topic count | topics | data | id
 * | type (if flags &amp; 2) | i64 retry millis (if flags &amp; 4)
 * </pre>
 *
 * <p>Flag 1 marks a private update. A reader meeting a version it does not know fails rather than
 * guessing, so that instances of different versions never misread each other.
 */
public final class UpdateCodec {
  static final int VERSION = 1;

  private static final int PRIVATE = 1;
  private static final int HAS_TYPE = 2;
  private static final int HAS_RETRY = 4;

  private UpdateCodec() {}

  /** Returns the update's bytes. */
  public static byte[] encode(Update update) {
    String id = Objects.requireNonNull(update.id(), "update.id");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + update.data().length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      String type = update.type();
      Duration retry = update.retry();
      out.writeByte(
          (update.isPrivate() ? PRIVATE : 0)
              | (type != null ? HAS_TYPE : 0)
              | (retry != null ? HAS_RETRY : 0));
      out.writeInt(update.topics().size());
      for (String topic : update.topics()) {
        writeString(out, topic);
      }
      writeString(out, update.data());
      writeString(out, id);
      if (type != null) {
        writeString(out, type);
      }
      if (retry != null) {
        out.writeLong(retry.toMillis());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return bytes.toByteArray();
  }

  /**
   * Returns the update these bytes encode.
   *
   * @throws IllegalArgumentException if they are not an update of a known version
   */
  public static Update decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "stream entry version: " + version + " (expected: " + VERSION + ")");
      }
      int flags = in.readUnsignedByte();
      int topicCount = in.readInt();
      if (topicCount <= 0 || topicCount > bytes.length) {
        throw new IllegalArgumentException("stream entry topics: " + topicCount);
      }
      List<String> topics = new ArrayList<>(topicCount);
      for (int i = 0; i < topicCount; i++) {
        topics.add(readString(in, bytes.length));
      }
      Update.Builder update =
          Update.builder(topics)
              .data(readString(in, bytes.length))
              .id(readString(in, bytes.length))
              .privateUpdate((flags & PRIVATE) != 0);
      if ((flags & HAS_TYPE) != 0) {
        update.type(readString(in, bytes.length));
      }
      if ((flags & HAS_RETRY) != 0) {
        update.retry(Duration.ofMillis(in.readLong()));
      }
      return update.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("stream entry truncated", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in, int limit) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > limit) {
      throw new IllegalArgumentException("stream entry string length: " + length);
    }
    byte[] utf8 = in.readNBytes(length);
    if (utf8.length != length) {
      throw new IOException("truncated");
    }
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
