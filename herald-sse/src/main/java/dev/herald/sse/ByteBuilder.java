package dev.herald.sse;

import java.util.Arrays;

/** A growable byte array with amortised doubling, so that appends cost linear time overall. */
final class ByteBuilder {
  private static final byte[] EMPTY = new byte[0];
  private static final int INITIAL_CAPACITY = 256;
  // After a large event, keep at most this much memory per idle parser.
  private static final int RETAINED_CAPACITY = 64 * 1024;
  private static final int MAX_ARRAY_SIZE = Integer.MAX_VALUE - 8;

  private byte[] bytes = EMPTY;
  private int length;

  byte[] array() {
    return bytes;
  }

  int length() {
    return length;
  }

  void append(byte[] src, int offset, int count) {
    ensureCapacity(length + count);
    System.arraycopy(src, offset, bytes, length, count);
    length += count;
  }

  void append(byte b) {
    ensureCapacity(length + 1);
    bytes[length++] = b;
  }

  /** Empties the buffer, giving back a large array. */
  void clear() {
    length = 0;
    if (bytes.length > RETAINED_CAPACITY) {
      bytes = EMPTY;
    }
  }

  /** Empties the buffer and gives back its array. */
  void release() {
    length = 0;
    bytes = EMPTY;
  }

  private void ensureCapacity(int needed) {
    if (needed < 0 || needed > MAX_ARRAY_SIZE) {
      throw new OutOfMemoryError("buffer of " + Integer.toUnsignedString(needed) + " bytes");
    }
    if (needed > bytes.length) {
      long doubled = Math.max(2L * bytes.length, INITIAL_CAPACITY);
      bytes = Arrays.copyOf(bytes, (int) Math.min(Math.max(doubled, needed), MAX_ARRAY_SIZE));
    }
  }
}
