package dev.herald.hub.internal;

import dev.herald.server.HttpStatusException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Limits how fast each publisher may publish: a token bucket per publisher identity (the token's
 * {@code sub}, or a hash of the token; never the token itself), refilled at {@code rate} updates
 * per second up to {@code burst}. A publication past it is refused with {@code 429} and {@code
 * Retry-After}.
 *
 * <p>At most {@link #MAX_IDENTITIES} buckets are kept (and one overflow bucket): when there are
 * more, full buckets (of publishers idle long enough to have refilled) are dropped, which forgets
 * nothing that matters; if none is, newcomers share the overflow bucket. Thread-safe.
 */
final class PublishRateLimiter {
  /** The most publisher identities tracked before idle ones are swept. */
  static final int MAX_IDENTITIES = 10_000;

  /** The bucket newcomers share while {@link #MAX_IDENTITIES} busy ones are tracked. */
  private static final String OVERFLOW = "\0overflow";

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double ratePerSecond;
  private final double burst;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** A bucket's state; guarded by its own monitor. */
  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  /**
   * Creates a limiter of {@code ratePerSecond} updates per second (> 0) with bursts of up to {@code
   * burst} (>= 1).
   */
  PublishRateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("publishRate: " + ratePerSecond + " (expected: > 0)");
    }
    if (burst < 1) {
      throw new IllegalArgumentException("publishBurst: " + burst + " (expected: >= 1)");
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  /**
   * Takes one update from the identity's bucket.
   *
   * @throws HttpStatusException with status 429 and {@code Retry-After} if the bucket is empty
   */
  void acquire(String identity) {
    long now = nanoClock.getAsLong();
    String key = identity;
    if (buckets.size() >= MAX_IDENTITIES && !buckets.containsKey(key)) {
      sweep(now);
      if (buckets.size() >= MAX_IDENTITIES) {
        key = OVERFLOW; // every publisher is busy: newcomers share one bucket
      }
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    double missing;
    synchronized (bucket) {
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      missing = 1 - bucket.tokens;
    }
    long retryAfter = Math.max(1, (long) Math.ceil(missing / ratePerSecond));
    throw new HttpStatusException(429, "publish rate exceeded, try again")
        .header("Retry-After", Long.toString(retryAfter));
  }

  /** Returns how many identities are tracked now. */
  int size() {
    return buckets.size();
  }

  private void refill(Bucket bucket, long now) {
    long elapsed = now - bucket.refilledAt;
    if (elapsed > 0) {
      bucket.tokens = Math.min(burst, bucket.tokens + elapsed * ratePerSecond / NANOS_PER_SECOND);
      bucket.refilledAt = now;
    }
  }

  private void sweep(long now) {
    buckets
        .entrySet()
        .removeIf(
            e -> {
              Bucket b = e.getValue();
              synchronized (b) {
                refill(b, now);
                return b.tokens >= burst;
              }
            });
  }
}
