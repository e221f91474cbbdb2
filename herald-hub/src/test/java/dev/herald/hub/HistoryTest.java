package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

  @Test
  void factoriesWithoutAClockStampEntriesWithTheSystemClock(@TempDir Path dir) {
    Instant before = Instant.now();
    try (History memory = History.inMemory(10, Duration.ofMinutes(5));
        History disk = History.onDisk(dir, 10, Duration.ofMinutes(5))) {
      memory.append(TestUpdates.withId("a"));
      disk.append(TestUpdates.withId("a"));

      assertThat(memory.readAfter(0, 1).get(0).publishedAt()).isBetween(before, Instant.now());
      assertThat(disk.readAfter(0, 1).get(0).publishedAt()).isBetween(before, Instant.now());
    }
  }

  @Test
  void entryRejectsANonPositiveSequenceAndAnUpdateWithoutId() {
    Update withoutId = Update.builder("t").build();

    assertThatThrownBy(() -> new History.Entry(0, TestUpdates.withId("a"), Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequence: 0 (expected: > 0)");
    assertThatThrownBy(() -> new History.Entry(1, withoutId, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("update.id: null (expected: an id)");
  }

  @Test
  void entryExposesTheUpdatesId() {
    assertThat(new History.Entry(7, TestUpdates.withId("a"), Instant.EPOCH).id()).isEqualTo("a");
  }
}
