package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GapDetectorTest {
  private final GapDetector gaps = new GapDetector();

  private void read(long seq) {
    gaps.check(new StreamId(seq, 0), Long.toString(seq).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void contiguousEntriesMissNothingWhereverReadingStarts() {
    read(500);
    read(501);
    read(502);
    assertThat(gaps.missed()).isZero();
  }

  @Test
  void entriesTrimmedBeforeTheyWereReadAreCounted() {
    read(1);
    read(2);
    read(6);
    read(7);
    read(10);
    assertThat(gaps.missed()).isEqualTo(3 + 2);
  }

  @Test
  void aResetLogIsNotCountedAsMissedAndNumberingGoesOnFromIt() {
    read(1);
    read(2);
    read(1);
    read(2);
    assertThat(gaps.missed()).isZero();
  }

  @Test
  void entriesWithoutANumberAreIgnored() {
    read(1);
    gaps.check(new StreamId(2, 0), null);
    gaps.check(new StreamId(3, 0), "x".getBytes(StandardCharsets.UTF_8));
    read(2);
    assertThat(gaps.missed()).isZero();
  }
}
