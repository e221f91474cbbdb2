package dev.herald.hub.internal;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Generates update ids: {@code urn:uuid:} and a version 7 UUID, so ids sort by creation time.
 * Within one millisecond the 12-bit counter field keeps ids from one generator in order.
 * Thread-safe.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Object LOCK = new Object();
  private static long lastMillis;
  private static int counter;

  private Ids() {}

  /** Returns a new id, {@code urn:uuid:<uuid7>}. */
  public static String next() {
    return "urn:uuid:" + uuid7();
  }

  /** Returns a new version 7 UUID. */
  public static UUID uuid7() {
    long millis;
    int count;
    synchronized (LOCK) {
      long now = System.currentTimeMillis();
      if (now > lastMillis) {
        lastMillis = now;
        counter = RANDOM.nextInt(1 << 10); // leave room to count up within the millisecond
      } else if (++counter >= 1 << 12) {
        lastMillis++; // borrow the next millisecond rather than repeat or reorder
        counter = 0;
      }
      millis = lastMillis;
      count = counter;
    }
    long msb = (millis << 16) | (0x7L << 12) | count;
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
