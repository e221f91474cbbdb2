package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.History;
import dev.herald.hub.MutableClock;
import dev.herald.hub.Update;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Checks {@link InMemoryHistory} against a reference model, a plain list to which the rules of the
 * contract are applied literally, over any mix of appends (with repeated ids), clock steps forward
 * and back, and bounds.
 */
class InMemoryHistoryPropertiesTest {
  private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

  /**
   * An operation: 0..23 appends an update with one of six ids, 24..35 moves the clock forward by
   * 1..12 s, 36..39 moves it back by 1..4 s.
   */
  @Provide
  Arbitrary<List<Integer>> operations() {
    return Arbitraries.integers().between(0, 39).list().ofMaxSize(60);
  }

  @Property(tries = 500)
  void readsExactlyWhatTheReferenceModelHolds(
      @ForAll("operations") List<Integer> operations,
      @ForAll @IntRange(min = 0, max = 12) int maxSize,
      @ForAll @IntRange(min = 0, max = 30) int maxAgeSeconds) {
    Duration maxAge = Duration.ofSeconds(maxAgeSeconds);
    MutableClock clock = new MutableClock(START);
    Model model = new Model(maxSize, maxAge);
    try (History history = new InMemoryHistory(maxSize, maxAge, clock)) {
      int n = 0;
      for (int op : operations) {
        if (op < 24) {
          Update update =
              Update.builder("https://example.com/" + n).data("d" + n++).id("id-" + op % 6).build();
          assertThat(history.append(update)).isEqualTo(model.append(update, clock.instant()));
        } else if (op < 36) {
          clock.advance(Duration.ofSeconds(op - 23));
        } else {
          clock.advance(Duration.ofSeconds(35 - op));
        }
        model.expire(clock.instant());
        assertSameAsModel(history, model);
      }
    }
  }

  @Property(tries = 200)
  void readAfterReturnsTheHeldSuffixAfterTheSequence(
      @ForAll @IntRange(min = 0, max = 200) int appends,
      @ForAll @IntRange(min = 0, max = 70) int maxSize,
      @ForAll @IntRange(min = 0, max = 210) int after,
      @ForAll @IntRange(min = 0, max = 80) int max) {
    List<Long> all = new ArrayList<>();
    try (History history = new InMemoryHistory(maxSize, Duration.ZERO, new MutableClock(START))) {
      for (int i = 1; i <= appends; i++) {
        all.add(history.append(Update.builder("t").id("id-" + i).build()));
      }
      List<Long> held = all.subList(Math.max(0, all.size() - maxSize), all.size());
      List<Long> expected = held.stream().filter(s -> s > after).limit(max).toList();

      assertThat(history.readAfter(after, max))
          .extracting(History.Entry::sequence)
          .containsExactlyElementsOf(expected);
    }
  }

  private static void assertSameAsModel(History history, Model model) {
    assertThat(history.lastSequence()).isEqualTo(model.lastSequence);
    assertThat(history.lastId()).isEqualTo(model.lastId);
    assertThat(history.size()).isEqualTo(model.held.size());
    assertThat(history.firstSequence())
        .isEqualTo(model.held.isEmpty() ? model.lastSequence + 1 : model.held.get(0).sequence());
    for (int i = 0; i < 6; i++) {
      assertThat(history.sequenceOf("id-" + i))
          .as("id-" + i)
          .isEqualTo(model.sequenceOf("id-" + i));
    }
    for (long after = 0; after <= model.lastSequence + 1; after++) {
      for (int max : new int[] {0, 1, 2, 5, Integer.MAX_VALUE}) {
        assertThat(history.readAfter(after, max)).isEqualTo(model.readAfter(after, max));
      }
    }
  }

  /** The contract's rules applied to a plain list, as literally as possible. */
  private static final class Model {
    final int maxSize;
    final Duration maxAge;
    final List<History.Entry> held = new ArrayList<>();
    long lastSequence;
    String lastId;
    Instant lastPublishedAt = Instant.MIN;

    Model(int maxSize, Duration maxAge) {
      this.maxSize = maxSize;
      this.maxAge = maxAge;
    }

    long append(Update update, Instant clockNow) {
      Instant now = clockNow.isBefore(lastPublishedAt) ? lastPublishedAt : clockNow;
      lastPublishedAt = now;
      lastSequence++;
      lastId = update.id();
      held.add(new History.Entry(lastSequence, update, now));
      while (held.size() > maxSize) {
        held.remove(0);
      }
      expire(now);
      return lastSequence;
    }

    void expire(Instant now) {
      if (!maxAge.isZero()) {
        held.removeIf(e -> !e.publishedAt().plus(maxAge).isAfter(now));
      }
    }

    long sequenceOf(String id) {
      long found = -1;
      for (History.Entry e : held) {
        if (e.id().equals(id)) {
          found = e.sequence();
        }
      }
      return found;
    }

    List<History.Entry> readAfter(long after, int max) {
      return held.stream().filter(e -> e.sequence() > after).limit(max).toList();
    }
  }
}
