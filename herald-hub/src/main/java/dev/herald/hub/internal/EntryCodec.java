package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.hub.Update;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes history entries for the durable history; the sequence is the map key and not encoded.
 * Stateless and thread-safe.
 *
 * <p>Format version 1, big-endian; {@code varint} is an unsigned LEB128 int, and a string is a
 * varint byte length followed by its UTF-8 bytes (an unpaired surrogate is stored as {@code ?}, as
 * it would be sent on the wire):
 *
 * <pre>
 * u8 version (1) | i64 publishedAt seconds | i32 publishedAt nanos | u8 flags
 * | varint topic count | topic strings | data | id
 * | type (if flags &amp; 2) | i64 retry seconds, i32 retry nanos (if flags &amp; 4)
 * </pre>
 *
 * <p>Flag 1 marks a private update. The publication time comes first so that aging reads only the
 * first 13 bytes. A reader meeting a version it does not know fails rather than guessing.
 */
final class EntryCodec {
  static final int VERSION = 1;

  private static final int PRIVATE = 1;
  private static final int HAS_TYPE = 2;
  private static final int HAS_RETRY = 4;
  private static final int PUBLISHED_AT_AND_FLAGS_SIZE = 8 + 4 + 1;

  private EntryCodec() {}

  static byte[] encode(History.Entry entry) {
    Update update = entry.update();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + update.data().length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(entry.publishedAt().getEpochSecond());
      out.writeInt(entry.publishedAt().getNano());
      String type = update.type();
      Duration retry = update.retry();
      out.writeByte(
          (update.isPrivate() ? PRIVATE : 0)
              | (type != null ? HAS_TYPE : 0)
              | (retry != null ? HAS_RETRY : 0));
      writeVarint(out, update.topics().size());
      for (String topic : update.topics()) {
        writeString(out, topic);
      }
      writeString(out, update.data());
      writeString(out, entry.id());
      if (type != null) {
        writeString(out, type);
      }
      if (retry != null) {
        out.writeLong(retry.getSeconds());
        out.writeInt(retry.getNano());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return bytes.toByteArray();
  }

  static History.Entry decode(long sequence, byte[] bytes) {
    try (DataInputStream in = open(sequence, bytes)) {
      Instant publishedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
      int flags = in.readUnsignedByte();
      int topicCount = readVarint(in);
      List<String> topics = new ArrayList<>(Math.min(topicCount, 16));
      for (int i = 0; i < topicCount; i++) {
        topics.add(readString(in));
      }
      Update.Builder builder =
          Update.builder(topics)
              .data(readString(in))
              .id(readString(in))
              .privateUpdate((flags & PRIVATE) != 0);
      if ((flags & HAS_TYPE) != 0) {
        builder.type(readString(in));
      }
      if ((flags & HAS_RETRY) != 0) {
        builder.retry(Duration.ofSeconds(in.readLong(), in.readInt()));
      }
      if (in.available() != 0) {
        throw new IOException(in.available() + " trailing bytes");
      }
      return new History.Entry(sequence, builder.build(), publishedAt);
    } catch (IOException | RuntimeException e) {
      throw unreadable(sequence, e);
    }
  }

  /** Reads only the publication time. */
  static Instant publishedAt(long sequence, byte[] bytes) {
    try (DataInputStream in = open(sequence, bytes)) {
      return Instant.ofEpochSecond(in.readLong(), in.readInt());
    } catch (IOException | RuntimeException e) {
      throw unreadable(sequence, e);
    }
  }

  /** Reads only the id, skipping over the topics and the data. */
  static String id(long sequence, byte[] bytes) {
    try (DataInputStream in = open(sequence, bytes)) {
      in.skipNBytes(PUBLISHED_AT_AND_FLAGS_SIZE);
      int topicCount = readVarint(in);
      for (int i = 0; i < topicCount + 1; i++) { // the topics, then the data
        in.skipNBytes(readVarint(in));
      }
      return readString(in);
    } catch (IOException | RuntimeException e) {
      throw unreadable(sequence, e);
    }
  }

  /** Opens the bytes after checking the version byte. */
  private static DataInputStream open(long sequence, byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != VERSION) {
      String found = bytes.length == 0 ? "none" : Integer.toString(bytes[0] & 0xff);
      throw new IllegalStateException(
          "history entry "
              + sequence
              + ": format version "
              + found
              + " (expected: "
              + VERSION
              + ")");
    }
    return new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
  }

  private static IllegalStateException unreadable(long sequence, Exception cause) {
    if (cause instanceof IllegalStateException) {
      return (IllegalStateException) cause;
    }
    return new IllegalStateException("history entry " + sequence + " unreadable: " + cause, cause);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(in.readNBytes(checkLength(in, readVarint(in))), StandardCharsets.UTF_8);
  }

  private static int checkLength(DataInputStream in, int length) throws IOException {
    if (length > in.available()) {
      throw new IOException("length " + length + " beyond the end");
    }
    return length;
  }

  private static void writeVarint(DataOutputStream out, int value) throws IOException {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.writeByte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  private static int readVarint(DataInputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (value < 0) {
          throw new IOException("varint out of range");
        }
        return value;
      }
    }
    throw new IOException("varint too long");
  }
}
