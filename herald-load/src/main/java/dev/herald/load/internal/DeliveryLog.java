package dev.herald.load.internal;

import java.util.BitSet;

/**
 * Records which updates one subscriber received, by sequence number, and counts duplicates. Written
 * by the subscriber's event loop only; read by the run's thread after the subscriber's channel
 * closed (the close future orders the two).
 */
public final class DeliveryLog {
  private final BitSet received = new BitSet();
  private int distinct;
  private int duplicated;

  /**
   * Records the delivery of update {@code seq} and returns whether it is the first.
   *
   * @throws IllegalArgumentException if seq is negative or past {@link Integer#MAX_VALUE}
   */
  public boolean record(long seq) {
    if (seq < 0 || seq > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "seq: " + seq + " (expected: 0 to " + Integer.MAX_VALUE + ")");
    }
    int s = (int) seq;
    if (received.get(s)) {
      duplicated++;
      return false;
    }
    received.set(s);
    distinct++;
    return true;
  }

  /** Returns whether update {@code seq} was received. */
  public boolean received(long seq) {
    return seq >= 0 && seq <= Integer.MAX_VALUE && received.get((int) seq);
  }

  /** Returns the number of distinct updates received. */
  public int distinct() {
    return distinct;
  }

  /** Returns the number of deliveries of an update already received. */
  public int duplicated() {
    return duplicated;
  }

  /**
   * Returns how many of the updates in {@code expected} with sequence numbers in {@code [from, to)}
   * this subscriber did not receive.
   */
  public int missing(BitSet expected, int from, int to) {
    int missing = 0;
    for (int s = expected.nextSetBit(from); s >= 0 && s < to; s = expected.nextSetBit(s + 1)) {
      if (!received.get(s)) {
        missing++;
      }
    }
    return missing;
  }

  /** Returns how many updates with sequence numbers in {@code [from, to)} were received. */
  public int receivedIn(int from, int to) {
    return received.get(from, to).cardinality();
  }
}
