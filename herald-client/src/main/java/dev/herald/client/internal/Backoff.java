package dev.herald.client.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counts failed connection attempts in a row and computes how long to wait before the next one: the
 * reconnection time, doubled per failure after the first, capped, plus a random jitter of up to
 * half of that. Used by the loop's thread only.
 */
final class Backoff {
  /**
   * The base that doubling starts from when the reconnection time is shorter, so that {@code retry:
   * 0} cannot make a failing client reconnect in a tight loop.
   */
  static final long MIN_GROWTH_BASE_MILLIS = 100;

  private final long maxMillis;
  private final long resetThresholdNanos;

  // Loop thread only.
  private int failures;
  private long firstFailureNanos;

  Backoff(Duration max, Duration resetThreshold) {
    this.maxMillis = max.toMillis();
    this.resetThresholdNanos = saturatedNanos(resetThreshold);
  }

  /**
   * Records a failure and returns how many happened in a row. The count restarts first if the
   * stream that just ended had been open for the reset threshold.
   *
   * @param openedAtNanos when the stream that failed opened, or 0 if none opened
   */
  int recordFailure(long nowNanos, long openedAtNanos) {
    if (openedAtNanos != 0 && nowNanos - openedAtNanos >= resetThresholdNanos) {
      failures = 0;
    }
    if (failures == 0) {
      firstFailureNanos = nowNanos;
    }
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    return failures;
  }

  /** Returns the time since the first failure of the current series. */
  Duration elapsed(long nowNanos) {
    return failures == 0 ? Duration.ZERO : Duration.ofNanos(nowNanos - firstFailureNanos);
  }

  /** Returns the delay before the next attempt, in milliseconds. */
  long delayMillis(long reconnectMillis) {
    long delay = reconnectMillis;
    if (failures > 1) {
      // A server's retry: longer than the cap is still honoured.
      long cap = Math.max(maxMillis, reconnectMillis);
      delay = Math.max(reconnectMillis, MIN_GROWTH_BASE_MILLIS);
      for (int i = 1; i < failures && delay < cap; i++) {
        delay = Math.min(cap, delay * 2);
      }
      delay = Math.min(cap, delay);
    }
    long jitter = delay / 2 == 0 ? 0 : ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    return delay + jitter;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
