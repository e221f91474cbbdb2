package dev.herald.redis.internal;

/**
 * A Redis stream entry id, {@code <milliseconds>-<sequence>}, ordered as Redis orders them.
 *
 * @param millis the time part
 * @param sequence the sequence within the millisecond
 */
public record StreamId(long millis, long sequence) implements Comparable<StreamId> {
  /** Sorts before every entry: reading after it reads the whole stream. */
  public static final StreamId ZERO = new StreamId(0, 0);

  /**
   * Parses {@code ms-seq}.
   *
   * @throws IllegalArgumentException if the text is not a stream id
   */
  public static StreamId parse(String text) {
    int dash = text.indexOf('-');
    try {
      if (dash < 0) {
        return new StreamId(Long.parseUnsignedLong(text), 0);
      }
      return new StreamId(
          Long.parseUnsignedLong(text.substring(0, dash)),
          Long.parseUnsignedLong(text.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("stream id: " + text + " (expected: ms-seq)", e);
    }
  }

  @Override
  public int compareTo(StreamId other) {
    int c = Long.compareUnsigned(millis, other.millis);
    return c != 0 ? c : Long.compareUnsigned(sequence, other.sequence);
  }

  /** Returns whether this id is at or after {@code other}. */
  public boolean reached(StreamId other) {
    return compareTo(other) >= 0;
  }

  @Override
  public String toString() {
    return Long.toUnsignedString(millis) + "-" + Long.toUnsignedString(sequence);
  }
}
