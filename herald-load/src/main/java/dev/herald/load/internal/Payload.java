package dev.herald.load.internal;

import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes the data of a benchmark update: {@code SEQ.NANOS.} padded with {@code x} to
 * the requested size, where {@code NANOS} is {@link #now()} at publication. Every byte is an
 * unreserved URI character, so the payload goes into a form body as it is.
 */
public final class Payload {
  /** The smallest payload that holds any sequence number and time stamp: {@value} bytes. */
  public static final int MIN_SIZE = 40;

  /** The largest payload: {@value} bytes (1 MiB). */
  public static final int MAX_SIZE = 1 << 20;

  /** What {@link #seq} and {@link #nanos} return for data that is not a payload. */
  public static final long INVALID = Long.MIN_VALUE;

  private static final long ORIGIN = System.nanoTime();

  private Payload() {}

  /** Returns nanoseconds since this class loaded: never negative, monotonic, this process only. */
  public static long now() {
    return System.nanoTime() - ORIGIN;
  }

  /**
   * Returns the payload of update {@code seq} published at {@code nanos}, {@code size} bytes long.
   *
   * @throws IllegalArgumentException if seq or nanos is negative, or size is outside [{@link
   *     #MIN_SIZE}, {@link #MAX_SIZE}]
   */
  public static byte[] encode(long seq, long nanos, int size) {
    if (size < MIN_SIZE || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "payload: " + size + " (expected: " + MIN_SIZE + " to " + MAX_SIZE + " bytes)");
    }
    if (seq < 0 || nanos < 0) {
      throw new IllegalArgumentException(
          "seq and nanos: " + seq + ", " + nanos + " (expected: >= 0)");
    }
    byte[] out = new byte[size];
    int i = writeDecimal(out, 0, seq);
    out[i++] = '.';
    i = writeDecimal(out, i, nanos);
    out[i++] = '.';
    while (i < size) {
      out[i++] = 'x';
    }
    return out;
  }

  /** Returns the sequence number of a payload, or {@link #INVALID}. Allocates nothing. */
  public static long seq(CharSequence data) {
    return number(data, 0);
  }

  /** Returns the publication time stamp of a payload, or {@link #INVALID}. Allocates nothing. */
  public static long nanos(CharSequence data) {
    int dot = indexOfDot(data, 0);
    return dot < 0 ? INVALID : number(data, dot + 1);
  }

  /** Returns the payload as text, for tests and messages. */
  static String text(byte[] payload) {
    return new String(payload, StandardCharsets.US_ASCII);
  }

  private static int writeDecimal(byte[] out, int at, long value) {
    int digits = 1;
    for (long v = value / 10; v > 0; v /= 10) {
      digits++;
    }
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + digits;
  }

  private static long number(CharSequence data, int from) {
    long value = 0;
    int i = from;
    for (; i < data.length() && i - from < 19; i++) {
      char c = data.charAt(i);
      if (c == '.') {
        break;
      }
      if (c < '0' || c > '9') {
        return INVALID;
      }
      value = value * 10 + (c - '0');
    }
    return i == from || i >= data.length() || data.charAt(i) != '.' ? INVALID : value;
  }

  private static int indexOfDot(CharSequence data, int from) {
    for (int i = from; i < data.length() && i - from < 20; i++) {
      if (data.charAt(i) == '.') {
        return i;
      }
    }
    return -1;
  }
}
