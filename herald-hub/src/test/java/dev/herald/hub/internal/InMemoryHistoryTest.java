package dev.herald.hub.internal;

import static dev.herald.hub.TestUpdates.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.History;
import dev.herald.hub.HistoryContractTest;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryHistoryTest extends HistoryContractTest {

  @Override
  protected History create(int maxSize, Duration maxAge, Clock clock) {
    return History.inMemory(maxSize, maxAge, clock);
  }

  @Test
  void growsItsRingPastTheInitialCapacityAndWrapsAround() {
    History history = open(100, Duration.ZERO);
    appendNumbered(history, 1, 1_000);

    assertThat(sequences(history.readAfter(0, 1_000))).hasSize(100).first().isEqualTo(901L);
    assertThat(history.readAfter(950, 3))
        .extracting(History.Entry::update)
        .containsExactly(numbered(951), numbered(952), numbered(953));
  }

  @Test
  void holdsAHugeMaxSizeWithoutAllocatingIt() {
    History history = open(Integer.MAX_VALUE, Duration.ZERO);
    appendNumbered(history, 1, 10);

    assertThat(history.size()).isEqualTo(10);
  }
}
