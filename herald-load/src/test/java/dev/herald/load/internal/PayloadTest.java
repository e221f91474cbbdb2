package dev.herald.load.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {
  @Test
  void encodesSequenceAndTimeStampPaddedToTheSize() {
    byte[] payload = Payload.encode(42, 123_456_789L, 60);

    assertThat(payload).hasSize(60);
    assertThat(Payload.text(payload)).startsWith("42.123456789.").endsWith("xxx");
    assertThat(Payload.seq(Payload.text(payload))).isEqualTo(42);
    assertThat(Payload.nanos(Payload.text(payload))).isEqualTo(123_456_789L);
  }

  @Test
  void theSmallestPayloadHoldsTheLargestNumbers() {
    String text = Payload.text(Payload.encode(Long.MAX_VALUE, Long.MAX_VALUE, Payload.MIN_SIZE));

    assertThat(text).hasSize(Payload.MIN_SIZE);
    assertThat(Payload.seq(text)).isEqualTo(Long.MAX_VALUE);
    assertThat(Payload.nanos(text)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void zeroesRoundTrip() {
    String text = Payload.text(Payload.encode(0, 0, 40));

    assertThat(Payload.seq(text)).isZero();
    assertThat(Payload.nanos(text)).isZero();
  }

  @Test
  void needsNoEscapingInAForm() {
    String text = Payload.text(Payload.encode(7, Payload.now(), 100));

    assertThat(URLEncoder.encode(text, StandardCharsets.UTF_8)).isEqualTo(text);
  }

  @Test
  void foreignDataIsInvalid() {
    assertThat(Payload.seq("hello")).isEqualTo(Payload.INVALID);
    assertThat(Payload.seq("")).isEqualTo(Payload.INVALID);
    assertThat(Payload.seq(".5.")).isEqualTo(Payload.INVALID);
    assertThat(Payload.seq("12")).isEqualTo(Payload.INVALID);
    assertThat(Payload.nanos("12.")).isEqualTo(Payload.INVALID);
    assertThat(Payload.nanos("12.3a.")).isEqualTo(Payload.INVALID);
    assertThat(Payload.seq("99999999999999999999.1.")).isEqualTo(Payload.INVALID);
  }

  @Test
  void refusesSizesOutOfRangeAndNegativeNumbers() {
    assertThatThrownBy(() -> Payload.encode(1, 1, Payload.MIN_SIZE - 1))
        .hasMessage("payload: 39 (expected: 40 to 1048576 bytes)");
    assertThatThrownBy(() -> Payload.encode(1, 1, Payload.MAX_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Payload.encode(-1, 1, 50))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nowIsNeverNegativeAndMonotonic() {
    long a = Payload.now();
    long b = Payload.now();

    assertThat(a).isNotNegative();
    assertThat(b).isGreaterThanOrEqualTo(a);
  }
}
