package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.Update;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpdateCodecTest {

  @Test
  void everyFieldSurvivesARoundTrip() {
    Update update =
        Update.builder(List.of("https://example.com/a", "https://example.com/é ✓"))
            .data("{\"line\":\"é ✓\"}\nsecond line")
            .id("urn:example:1")
            .type("price")
            .retry(Duration.ofMillis(2500))
            .privateUpdate(true)
            .build();
    assertThat(UpdateCodec.decode(UpdateCodec.encode(update))).isEqualTo(update);
  }

  @Test
  void aMinimalUpdateSurvivesARoundTrip() {
    Update update = Update.builder("t").id("i").build();
    Update decoded = UpdateCodec.decode(UpdateCodec.encode(update));
    assertThat(decoded).isEqualTo(update);
    assertThat(decoded.type()).isNull();
    assertThat(decoded.retry()).isNull();
    assertThat(decoded.isPrivate()).isFalse();
  }

  @Test
  void anUnknownVersionOrTruncatedBytesAreRefused() {
    byte[] bytes = UpdateCodec.encode(Update.builder("t").data("data").id("i").build());
    byte[] future = bytes.clone();
    future[0] = 2;
    assertThatThrownBy(() -> UpdateCodec.decode(future))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version: 2");
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> UpdateCodec.decode(cut))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void streamIdsOrderAsRedisOrdersThem() {
    assertThat(StreamId.parse("1700000000000-5")).isEqualTo(new StreamId(1700000000000L, 5));
    assertThat(StreamId.parse("10-0").compareTo(StreamId.parse("9-99"))).isPositive();
    assertThat(StreamId.parse("10-2").reached(StreamId.parse("10-2"))).isTrue();
    assertThat(StreamId.parse("10-1").reached(StreamId.parse("10-2"))).isFalse();
    assertThat(StreamId.ZERO.toString()).isEqualTo("0-0");
    assertThatThrownBy(() -> StreamId.parse("x-1")).isInstanceOf(IllegalArgumentException.class);
  }
}
