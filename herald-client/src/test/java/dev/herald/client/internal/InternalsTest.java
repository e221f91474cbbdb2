package dev.herald.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InternalsTest {
  @Test
  void backoffDoublesFromTheReconnectionTimeUpToTheCapWithJitter() {
    Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofSeconds(60));
    long[] floors = {100, 200, 400, 800, 1000, 1000};
    for (long floor : floors) {
      backoff.recordFailure(System.nanoTime(), 0);
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delayMillis(100)).isBetween(floor, floor + floor / 2);
      }
    }
  }

  @Test
  void backoffRestartsAfterAHealthyStream() {
    Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(60));
    long now = 1_000_000_000_000L;
    assertThat(backoff.recordFailure(now, 0)).isEqualTo(1);
    assertThat(backoff.recordFailure(now, now - Duration.ofSeconds(59).toNanos())).isEqualTo(2);
    assertThat(backoff.elapsed(now + 5)).isEqualTo(Duration.ofNanos(5));
    assertThat(backoff.recordFailure(now, now - Duration.ofSeconds(60).toNanos())).isEqualTo(1);
  }

  @Test
  void backoffOfRetryZeroStillGrows() {
    Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(60));
    backoff.recordFailure(0, 0);
    assertThat(backoff.delayMillis(0)).isZero();
    backoff.recordFailure(0, 0);
    assertThat(backoff.delayMillis(0)).isBetween(200L, 300L);
  }

  @Test
  void backoffHonoursARetryAboveTheCap() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    backoff.recordFailure(0, 0);
    backoff.recordFailure(0, 0);
    assertThat(backoff.delayMillis(5000)).isBetween(5000L, 7500L);
  }

  @Test
  void retryAfterParsesSecondsAndDates() {
    Instant now = Instant.parse("2026-03-16T12:00:00Z");
    assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("Mon, 16 Mar 2026 12:00:30 GMT", now))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Mon, 16 Mar 2026 11:00:00 GMT", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", now)).isNull();
    assertThat(RetryAfter.parse("-1", now)).isNull();
    assertThat(RetryAfter.parse(null, now)).isNull();
    assertThat(RetryAfter.parse("99999999999999999999", now)).isEqualTo(Duration.ofDays(365));
  }

  @Test
  void mediaTypeEssenceIsCompared() {
    assertThat(MediaTypes.isEventStream("text/event-stream")).isTrue();
    assertThat(MediaTypes.isEventStream(" TEXT/Event-Stream ;charset=utf-8")).isTrue();
    assertThat(MediaTypes.isEventStream("text/event-stream;")).isTrue();
    assertThat(MediaTypes.isEventStream("text/plain")).isFalse();
    assertThat(MediaTypes.isEventStream("x bogus")).isFalse();
    assertThat(MediaTypes.isEventStream(null)).isFalse();
  }

  @Test
  void lastEventIdGoesAsItsUtf8Bytes() {
    assertThat(Requests.headerValue("abc")).isEqualTo("abc");
    assertThat(Requests.headerValue("\u2026")).isEqualTo("\u00e2\u0080\u00a6");
    assertThat(Requests.headerValue("a\tb")).isEqualTo("a\tb");
    assertThatThrownBy(() -> Requests.headerValue("a\u0001b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("U+0001");
  }
}
