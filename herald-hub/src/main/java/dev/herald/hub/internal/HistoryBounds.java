package dev.herald.hub.internal;

import dev.herald.hub.Update;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The bounds of a history: how many entries and how old at most. An entry is expired once its age
 * reaches {@code maxAge}; {@link Duration#ZERO} means no age limit.
 */
record HistoryBounds(int maxSize, Duration maxAge) {

  HistoryBounds {
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= 0)");
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException(
          "maxAge: " + maxAge + " (expected: > 0, or 0 for no limit)");
    }
  }

  /** Returns whether entries expire at all. */
  boolean ages() {
    return !maxAge.isZero();
  }

  /** Returns whether an entry published at {@code publishedAt} is expired at {@code now}. */
  boolean isExpired(Instant publishedAt, Instant now) {
    // publishedAt + maxAge <= now, written so that a huge maxAge cannot overflow Instant.
    return ages() && Duration.between(publishedAt, now).compareTo(maxAge) >= 0;
  }

  /** Returns the update's id, or throws if it has none. */
  static String requireId(Update update) {
    Objects.requireNonNull(update, "update");
    String id = update.id();
    if (id == null) {
      throw new IllegalArgumentException(
          "update.id: null (expected: an id assigned before append)");
    }
    return id;
  }

  /** Returns the later of two instants, so that publication times never go back. */
  static Instant notBefore(Instant now, Instant previous) {
    return now.isBefore(previous) ? previous : now;
  }

  /** Checks the arguments of {@code History.readAfter}. */
  static void checkReadArguments(long afterSequence, int max) {
    if (afterSequence < 0) {
      throw new IllegalArgumentException("afterSequence: " + afterSequence + " (expected: >= 0)");
    }
    if (max < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
    }
  }
}
