package dev.herald.load.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {
  @Test
  void countsFirstDeliveriesAndDuplicatesInAnyOrder() {
    DeliveryLog log = new DeliveryLog();

    assertThat(log.record(3)).isTrue();
    assertThat(log.record(1)).isTrue();
    assertThat(log.record(3)).isFalse();
    assertThat(log.record(2)).isTrue();
    assertThat(log.record(1)).isFalse();

    assertThat(log.distinct()).isEqualTo(3);
    assertThat(log.duplicated()).isEqualTo(2);
    assertThat(log.received(2)).isTrue();
    assertThat(log.received(0)).isFalse();
  }

  @Test
  void missingCountsOnlyExpectedUpdatesInTheWindow() {
    DeliveryLog log = new DeliveryLog();
    for (int s : new int[] {0, 1, 2, 4, 7}) {
      log.record(s);
    }
    BitSet accepted = new BitSet();
    accepted.set(0, 8); // 0..7 accepted
    accepted.clear(5); // 5 was refused: not expected

    // Window [2, 8) excludes the warm-up updates 0 and 1: 3 and 6 are lost; 5 is not expected.
    assertThat(log.missing(accepted, 2, 8)).isEqualTo(2);
    assertThat(log.receivedIn(2, 8)).isEqualTo(3);
    assertThat(log.missing(accepted, 0, 3)).isZero();
  }

  @Test
  void refusesSequenceNumbersOutOfRange() {
    DeliveryLog log = new DeliveryLog();

    assertThatThrownBy(() -> log.record(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.record(1L << 31)).isInstanceOf(IllegalArgumentException.class);
    assertThat(log.received(-1)).isFalse();
  }
}
