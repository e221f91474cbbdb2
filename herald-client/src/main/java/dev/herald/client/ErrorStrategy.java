package dev.herald.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Decides whether an {@link EventSource} reconnects after a failure that the specification treats
 * as fatal: a status other than 200 (and other than 204, a redirect, or a 503/429 with {@code
 * Retry-After}), a {@code Content-Type} other than {@code text/event-stream}, an event larger than
 * the {@linkplain EventSource.Builder#maxEventSize(int) limit} ({@link
 * dev.herald.sse.SseParseException}), a redirect that cannot be followed, an exception from the
 * token supplier, or a last event id the HTTP client cannot send.
 *
 * <p>Network errors, a stream that ends, and a read timeout are not failures in this sense: the
 * client always reconnects after them, with backoff, as browsers do.
 *
 * <p>Implementations must be thread-safe and quick; they run on the event source's thread.
 */
@FunctionalInterface
public interface ErrorStrategy {
  /**
   * Returns whether to reconnect after the given failure.
   *
   * @param error the failure, also passed to the error listeners
   * @param failures how many connection attempts in a row have failed, this one included (at least
   *     1); the count restarts after a stream stays open for the {@linkplain
   *     EventSource.Builder#backoffResetThreshold(Duration) backoff reset threshold}
   * @param elapsed the time since the first of those failures ({@link Duration#ZERO} for the first)
   */
  boolean shouldRetry(Throwable error, int failures, Duration elapsed);

  /** Returns the strategy that never reconnects after a failure: the specification's behaviour. */
  static ErrorStrategy stop() {
    return (error, failures, elapsed) -> false;
  }

  /** Returns the strategy that always reconnects, with backoff. */
  static ErrorStrategy alwaysRetry() {
    return (error, failures, elapsed) -> true;
  }

  /**
   * Returns the strategy that reconnects after at most {@code maxRetries} failures in a row, and
   * gives up at the next one.
   *
   * @throws IllegalArgumentException if {@code maxRetries} is negative
   */
  static ErrorStrategy retryUpTo(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected: >= 0)");
    }
    return (error, failures, elapsed) -> failures <= maxRetries;
  }

  /**
   * Returns the strategy that reconnects while less than {@code duration} has passed since the
   * first failure of a series, and gives up after.
   *
   * @throws IllegalArgumentException if the duration is negative
   */
  static ErrorStrategy retryFor(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    return (error, failures, elapsed) -> elapsed.compareTo(duration) < 0;
  }
}
