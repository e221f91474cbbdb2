package dev.herald.hub.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.History;
import dev.herald.hub.TestUpdates;
import dev.herald.hub.Update;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EntryCodecTest {
  private static final Instant AT = Instant.parse("2025-03-01T12:00:00.123456789Z");

  @Property(tries = 300)
  void decodesWhatItEncodes(
      @ForAll @Size(min = 1, max = 4) List<@CharRange(from = 'a', to = 'z') String> topics,
      @ForAll String data,
      @ForAll @NotEmpty @CharRange(from = 'a', to = 'z') String id,
      @ForAll boolean isPrivate,
      @ForAll @CharRange(from = 'a', to = 'z') String type,
      @ForAll @LongRange(min = -1, max = 10_000_000_000L) long retryNanos,
      @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int sequence) {
    // What survives a trip through UTF-8: the data as a subscriber would receive it.
    String validData = new String(data.getBytes(UTF_8), UTF_8);
    Update update =
        Update.builder(topics)
            .data(validData)
            .id(id)
            .privateUpdate(isPrivate)
            .type(type)
            .retry(retryNanos < 0 ? null : Duration.ofNanos(retryNanos))
            .build();
    History.Entry entry = new History.Entry(sequence, update, AT);

    byte[] bytes = EntryCodec.encode(entry);

    assertThat(EntryCodec.decode(sequence, bytes)).isEqualTo(entry);
    assertThat(EntryCodec.publishedAt(sequence, bytes)).isEqualTo(AT);
    assertThat(EntryCodec.id(sequence, bytes)).isEqualTo(id);
  }

  @Test
  void storesAnUnpairedSurrogateAsAQuestionMarkAsOnTheWire() {
    Update update = Update.builder("t").data("a\uD800b").id("id").build();

    History.Entry decoded =
        EntryCodec.decode(1, EntryCodec.encode(new History.Entry(1, update, AT)));

    assertThat(decoded.update().data()).isEqualTo("a?b");
  }

  @Test
  void keepsTheEncodingCompact() {
    Update update = Update.builder("https://example.com/books/1").data("{}").id("id-1").build();

    byte[] bytes = EntryCodec.encode(new History.Entry(1, update, AT));

    // 1 version + 12 time + 1 flags + 1 count + (1+27) topic + (1+2) data + (1+4) id
    assertThat(bytes).hasSize(51);
  }

  @Test
  void refusesAnUnknownVersionAndTruncatedBytes() {
    byte[] bytes = EntryCodec.encode(new History.Entry(3, TestUpdates.numbered(3), AT));
    byte[] otherVersion = bytes.clone();
    otherVersion[0] = 2;

    assertThatThrownBy(() -> EntryCodec.decode(3, otherVersion))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("history entry 3: format version 2 (expected: 1)");
    assertThatThrownBy(() -> EntryCodec.decode(3, new byte[0]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("history entry 3: format version none (expected: 1)");
    for (int length = 1; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> EntryCodec.decode(3, truncated))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("history entry 3 unreadable: ");
    }
    assertThatThrownBy(() -> EntryCodec.decode(3, Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 trailing bytes");
  }
}
