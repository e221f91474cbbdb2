package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.server.HttpStatusException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PublishRateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final PublishRateLimiter limiter = new PublishRateLimiter(2, 3, now::get);

  @Test
  void allowsABurstThenRefillsAtTheRate() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    assertThatThrownBy(() -> limiter.acquire("a"))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.headers()).contains(java.util.Map.entry("Retry-After", "1"));
            });
    now.addAndGet(500_000_000L); // half a second: one update at 2/s
    limiter.acquire("a");
    assertThatThrownBy(() -> limiter.acquire("a")).isInstanceOf(HttpStatusException.class);
    limiter.acquire("b"); // another publisher has its own bucket
  }

  @Test
  void neverHoldsMoreThanABurst() {
    now.addAndGet(3_600_000_000_000L); // an hour idle
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    assertThatThrownBy(() -> limiter.acquire("a")).isInstanceOf(HttpStatusException.class);
  }

  @Test
  void keepsABoundedNumberOfIdentities() {
    for (int i = 0; i < PublishRateLimiter.MAX_IDENTITIES * 2; i++) {
      limiter.acquire("p" + i); // each leaves a bucket not yet refilled
      if (i % 1000 == 0) {
        now.addAndGet(2_000_000_000L); // and some time passes: earlier buckets refill
      }
    }
    assertThat(limiter.size()).isLessThanOrEqualTo(PublishRateLimiter.MAX_IDENTITIES + 1);
  }

  @Test
  void rejectsAnInvalidConfiguration() {
    assertThatThrownBy(() -> new PublishRateLimiter(0, 1, now::get))
        .hasMessage("publishRate: 0.0 (expected: > 0)");
    assertThatThrownBy(() -> new PublishRateLimiter(1, 0, now::get))
        .hasMessage("publishBurst: 0 (expected: >= 1)");
  }
}
