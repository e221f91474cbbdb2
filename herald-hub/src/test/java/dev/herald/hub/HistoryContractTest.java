package dev.herald.hub;

import static dev.herald.hub.TestUpdates.numbered;
import static dev.herald.hub.TestUpdates.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link History} keeps. Subclasses say how to create one; each test creates its
 * own and this class closes them all afterwards.
 */
public abstract class HistoryContractTest {
  protected static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

  protected final MutableClock clock = new MutableClock(START);
  private final List<History> opened = new ArrayList<>();

  /** Creates a new, empty history with these bounds. */
  protected abstract History create(int maxSize, Duration maxAge, Clock clock);

  /** Returns how many appends the concurrency test makes; durable stores commit each one. */
  protected int concurrentAppends() {
    return 20_000;
  }

  protected final History open(int maxSize, Duration maxAge) {
    History history = create(maxSize, maxAge, clock);
    opened.add(history);
    return history;
  }

  protected static List<Long> sequences(List<History.Entry> entries) {
    return entries.stream().map(History.Entry::sequence).toList();
  }

  protected static void appendNumbered(History history, long from, long to) {
    for (long n = from; n <= to; n++) {
      assertThat(history.append(numbered(n))).isEqualTo(n);
    }
  }

  @AfterEach
  void closeHistories() {
    opened.forEach(History::close);
  }

  @Test
  void startsEmpty() {
    History history = open(10, Duration.ZERO);

    assertThat(history.lastSequence()).isZero();
    assertThat(history.lastId()).isNull();
    assertThat(history.firstSequence()).isEqualTo(1);
    assertThat(history.size()).isZero();
    assertThat(history.readAfter(0, 10)).isEmpty();
    assertThat(history.sequenceOf("id-1")).isEqualTo(-1);
  }

  @Test
  void numbersAppendsFromOneWithoutGaps() {
    History history = open(10, Duration.ZERO);

    assertThat(LongStream.rangeClosed(1, 5).map(n -> history.append(numbered(n))))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(history.lastSequence()).isEqualTo(5);
    assertThat(history.lastId()).isEqualTo("id-5");
    assertThat(history.firstSequence()).isEqualTo(1);
    assertThat(history.size()).isEqualTo(5);
    assertThat(history.sequenceOf("id-3")).isEqualTo(3);
  }

  @Test
  void returnsEachEntryWithItsUpdateAndTheClocksTime() {
    History history = open(10, Duration.ZERO);
    history.append(numbered(1));
    clock.advance(Duration.ofMillis(1500));
    history.append(numbered(2));

    assertThat(history.readAfter(0, 10))
        .containsExactly(
            new History.Entry(1, numbered(1), START),
            new History.Entry(2, numbered(2), START.plusMillis(1500)));
  }

  @Test
  void readsOnlyEntriesAfterTheGivenSequenceOldestFirst() {
    History history = open(10, Duration.ZERO);
    appendNumbered(history, 1, 6);

    assertThat(sequences(history.readAfter(0, 100))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(sequences(history.readAfter(3, 100))).containsExactly(4L, 5L, 6L);
    assertThat(sequences(history.readAfter(5, 100))).containsExactly(6L);
    assertThat(history.readAfter(3, 100))
        .extracting(History.Entry::update)
        .containsExactly(numbered(4), numbered(5), numbered(6));
  }

  @Test
  void readsAtMostMaxEntries() {
    History history = open(10, Duration.ZERO);
    appendNumbered(history, 1, 6);

    assertThat(sequences(history.readAfter(0, 2))).containsExactly(1L, 2L);
    assertThat(sequences(history.readAfter(2, 3))).containsExactly(3L, 4L, 5L);
    assertThat(sequences(history.readAfter(5, 3))).containsExactly(6L);
  }

  @Test
  void readsNothingWithMaxZeroOrFromTheLastSequenceOn() {
    History history = open(10, Duration.ZERO);
    appendNumbered(history, 1, 3);

    assertThat(history.readAfter(0, 0)).isEmpty();
    assertThat(history.readAfter(3, 10)).isEmpty();
    assertThat(history.readAfter(4, 10)).isEmpty();
    assertThat(history.readAfter(Long.MAX_VALUE, Integer.MAX_VALUE)).isEmpty();
  }

  @Test
  void returnsAnImmutableList() {
    History history = open(10, Duration.ZERO);
    appendNumbered(history, 1, 2);

    List<History.Entry> entries = history.readAfter(0, 10);

    assertThatThrownBy(() -> entries.remove(0)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsNegativeReadArguments() {
    History history = open(10, Duration.ZERO);

    assertThatThrownBy(() -> history.readAfter(-1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("afterSequence: -1 (expected: >= 0)");
    assertThatThrownBy(() -> history.readAfter(0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max: -1 (expected: >= 0)");
  }

  @Test
  void rejectsAnUpdateWithoutAnId() {
    History history = open(10, Duration.ZERO);

    assertThatThrownBy(() -> history.append(Update.builder("https://example.com/t").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("update.id: null (expected: an id assigned before append)");
    assertThat(history.lastSequence()).isZero();
  }

  @Test
  void rejectsInvalidBounds() {
    assertThatThrownBy(() -> create(-1, Duration.ZERO, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSize: -1 (expected: >= 0)");
    assertThatThrownBy(() -> create(10, Duration.ofSeconds(-1), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAge: PT-1S (expected: > 0, or 0 for no limit)");
  }

  @Test
  void dropsTheOldestEntriesBeyondMaxSize() {
    History history = open(3, Duration.ZERO);
    appendNumbered(history, 1, 5);

    assertThat(history.size()).isEqualTo(3);
    assertThat(history.firstSequence()).isEqualTo(3);
    assertThat(history.lastSequence()).isEqualTo(5);
    assertThat(sequences(history.readAfter(0, 10))).containsExactly(3L, 4L, 5L);
    assertThat(sequences(history.readAfter(1, 10))).containsExactly(3L, 4L, 5L);
  }

  @Test
  void forgetsTheIdsOfTrimmedEntries() {
    History history = open(3, Duration.ZERO);
    appendNumbered(history, 1, 5);

    assertThat(history.sequenceOf("id-1")).isEqualTo(-1);
    assertThat(history.sequenceOf("id-2")).isEqualTo(-1);
    assertThat(history.sequenceOf("id-3")).isEqualTo(3);
    assertThat(history.sequenceOf("id-5")).isEqualTo(5);
  }

  @Test
  void resolvesARepeatedIdToTheNewestEntry() {
    History history = open(2, Duration.ZERO);
    history.append(withId("a"));
    history.append(withId("b"));
    history.append(withId("a")); // trims the first "a"; the mapping must survive it

    assertThat(history.sequenceOf("a")).isEqualTo(3);
    assertThat(history.sequenceOf("b")).isEqualTo(2);

    history.append(withId("c"));
    assertThat(history.sequenceOf("a")).isEqualTo(3);
    assertThat(history.sequenceOf("b")).isEqualTo(-1);

    history.append(withId("d"));
    assertThat(history.sequenceOf("a")).isEqualTo(-1);
  }

  @Test
  void keepsNothingWithMaxSizeZeroButStillNumbers() {
    History history = open(0, Duration.ZERO);

    assertThat(history.append(withId("a"))).isEqualTo(1);
    assertThat(history.append(withId("b"))).isEqualTo(2);

    assertThat(history.size()).isZero();
    assertThat(history.firstSequence()).isEqualTo(3);
    assertThat(history.lastSequence()).isEqualTo(2);
    assertThat(history.lastId()).isEqualTo("b");
    assertThat(history.sequenceOf("b")).isEqualTo(-1);
    assertThat(history.readAfter(0, 10)).isEmpty();
  }

  @Test
  void dropsEntriesOnceTheyAreMaxAgeOldEvenWithoutAppends() {
    History history = open(10, Duration.ofSeconds(10));
    history.append(numbered(1));
    clock.advance(Duration.ofSeconds(5));
    history.append(numbered(2));
    clock.advance(Duration.ofMillis(4_999));

    assertThat(history.size()).isEqualTo(2);

    clock.advance(Duration.ofMillis(1)); // entry 1 is now exactly 10 s old
    assertThat(history.sequenceOf("id-1")).isEqualTo(-1);
    assertThat(history.firstSequence()).isEqualTo(2);
    assertThat(history.size()).isEqualTo(1);
    assertThat(sequences(history.readAfter(0, 10))).containsExactly(2L);

    clock.advance(Duration.ofSeconds(5));
    assertThat(history.readAfter(0, 10)).isEmpty();
    assertThat(history.sequenceOf("id-2")).isEqualTo(-1);
    assertThat(history.size()).isZero();
    assertThat(history.firstSequence()).isEqualTo(3);
    assertThat(history.lastSequence()).isEqualTo(2);
    assertThat(history.lastId()).isEqualTo("id-2");

    assertThat(history.append(numbered(3))).isEqualTo(3);
    assertThat(sequences(history.readAfter(0, 10))).containsExactly(3L);
  }

  @Test
  void dropsExpiredEntriesWhenAppending() {
    History history = open(10, Duration.ofSeconds(10));
    appendNumbered(history, 1, 3);
    clock.advance(Duration.ofSeconds(10));

    history.append(numbered(4));

    assertThat(sequences(history.readAfter(0, 10))).containsExactly(4L);
    assertThat(history.sequenceOf("id-3")).isEqualTo(-1);
  }

  @Test
  void keepsEntriesOfAnyAgeWithMaxAgeZero() {
    History history = open(10, Duration.ZERO);
    appendNumbered(history, 1, 2);

    clock.advance(Duration.ofDays(10_000));

    assertThat(history.size()).isEqualTo(2);
    assertThat(history.sequenceOf("id-1")).isEqualTo(1);
  }

  @Test
  void neverStampsAnEntryEarlierThanThePreviousOne() {
    History history = open(10, Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(5));
    history.append(numbered(1));
    clock.set(START); // the clock steps back 5 s
    history.append(numbered(2));

    assertThat(history.readAfter(0, 10))
        .extracting(History.Entry::publishedAt)
        .containsExactly(START.plusSeconds(5), START.plusSeconds(5));

    clock.set(START.plusSeconds(15));
    assertThat(history.readAfter(0, 10)).isEmpty();
  }

  @Test
  void reportsTheLastIdEvenWhenItIsNoLongerHeld() {
    History history = open(1, Duration.ofSeconds(1));
    history.append(withId("a"));
    clock.advance(Duration.ofSeconds(1));

    assertThat(history.size()).isZero();
    assertThat(history.lastId()).isEqualTo("a");
    assertThat(history.lastSequence()).isEqualTo(1);
  }

  @Test
  void closesOnceAndRefusesUseAfterwards() {
    History history = open(10, Duration.ZERO);
    history.append(numbered(1));

    history.close();
    history.close();

    assertThatThrownBy(() -> history.append(numbered(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("history closed");
    assertThatThrownBy(() -> history.readAfter(0, 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("history closed");
    assertThatThrownBy(() -> history.sequenceOf("id-1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(history::size).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keepsWorkingForAnInterruptedThreadAndKeepsItsInterrupt() {
    History history = open(10, Duration.ZERO);
    history.append(numbered(1));
    try {
      Thread.currentThread().interrupt();

      assertThat(history.append(numbered(2))).isEqualTo(2);
      assertThat(sequences(history.readAfter(0, 10))).containsExactly(1L, 2L);
      assertThat(history.sequenceOf("id-2")).isEqualTo(2);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(history.append(numbered(3))).isEqualTo(3);
    assertThat(history.size()).isEqualTo(3);
  }

  @Test
  void readsConsistentEntriesWhileAnotherThreadAppends() throws Exception {
    int maxSize = 300;
    int appends = concurrentAppends();
    int readers = 4;
    History history = open(maxSize, Duration.ZERO);
    CountDownLatch readersStarted = new CountDownLatch(readers);
    AtomicBoolean writerDone = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
    try {
      List<Future<Long>> readerResults = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        readerResults.add(
            pool.submit(
                () -> {
                  long reads = 0;
                  do {
                    checkOneRead(history, maxSize);
                    if (reads++ == 0) {
                      readersStarted.countDown();
                    }
                  } while (!writerDone.get());
                  return reads;
                }));
      }
      Future<?> writer =
          pool.submit(
              () -> {
                try {
                  readersStarted.await();
                  appendNumbered(history, 1, appends);
                } finally {
                  writerDone.set(true);
                }
                return null;
              });

      writer.get(60, TimeUnit.SECONDS);
      for (Future<Long> reader : readerResults) {
        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      writerDone.set(true);
      pool.shutdownNow();
    }
    assertThat(history.lastSequence()).isEqualTo(appends);
    assertThat(history.size()).isEqualTo(maxSize);
    assertThat(history.firstSequence()).isEqualTo(appends - maxSize + 1);
  }

  /**
   * Reads a window near the end and checks it is a gapless run of the right updates; one read in
   * four is made by an interrupted thread, as a cancelled subscriber's might be.
   */
  private static void checkOneRead(History history, int maxSize) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long last = history.lastSequence();
    long after = Math.max(0, last - random.nextInt(maxSize * 2));
    boolean interrupt = random.nextInt(4) == 0;
    if (interrupt) {
      Thread.currentThread().interrupt();
    }
    List<History.Entry> batch = history.readAfter(after, 50);
    assertThat(Thread.interrupted()).isEqualTo(interrupt);
    long newestVisible = history.lastSequence();
    assertThat(batch.size()).isLessThanOrEqualTo(50);
    for (int i = 0; i < batch.size(); i++) {
      History.Entry entry = batch.get(i);
      assertThat(entry.sequence()).isGreaterThan(after).isLessThanOrEqualTo(newestVisible);
      assertThat(entry.sequence()).isEqualTo(batch.get(0).sequence() + i);
      assertThat(entry.update()).isEqualTo(numbered(entry.sequence()));
    }
    long probe = Math.max(1, last - random.nextInt(maxSize * 2));
    assertThat(history.sequenceOf("id-" + probe)).isIn(-1L, probe);
    long first = history.firstSequence();
    assertThat(first).isPositive().isGreaterThanOrEqualTo(last - maxSize + 1);
    assertThat(history.size()).isBetween(0, maxSize);
  }
}
