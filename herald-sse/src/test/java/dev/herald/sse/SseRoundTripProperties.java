package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.Parsing.Outcome;
import dev.herald.sse.Recording.Comment;
import dev.herald.sse.Recording.Retry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

class SseRoundTripProperties {
  private final SseEncoder encoder = SseEncoder.create();

  /** An event as a client sees it: the type with its default, the data, the last event id. */
  record View(String type, String data, String lastEventId) {
    static View of(MessageEvent event) {
      return new View(
          Objects.requireNonNullElse(event.type(), MessageEvent.DEFAULT_TYPE),
          event.dataString(),
          Objects.requireNonNullElse(event.id(), ""));
    }
  }

  @Property(tries = 2000)
  void encodedFramesParseBackAsTheSameEventsWithAnyChunking(
      @ForAll("frames") List<MessageEvent> frames, @ForAll("chunkSizes") List<Integer> chunkSizes) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    frames.forEach(frame -> stream.writeBytes(encoder.encode(frame)));
    byte[] bytes = stream.toByteArray();

    Outcome outcome =
        Parsing.parse(bytes, UnaryOperator.identity(), cover(bytes.length, chunkSizes));

    List<Object> expected = expectedLog(frames);
    assertThat(outcome.failure()).isNull();
    assertThat(viewsOf(outcome.log())).isEqualTo(expected);
    assertThat(outcome.lastEventId()).isEqualTo(expectedLastEventId(frames));
    Statistics.label("events")
        .collect(outcome.events().isEmpty() ? "none" : "some")
        .coverage(c -> c.check("some").percentage(p -> p > 70));
    Statistics.label("line breaks in data")
        .collect(frames.stream().anyMatch(f -> String.valueOf(f.data()).matches("(?s).*[\r\n].*")))
        .coverage(c -> c.check(true).percentage(p -> p > 30));
  }

  @Property(tries = 2000)
  void anyBytesInAnyChunksParseWithoutErrorAndAsInOneChunk(
      @ForAll("streams") byte[] stream, @ForAll("chunkSizes") List<Integer> chunkSizes) {
    UnaryOperator<SseParser.Builder> config = UnaryOperator.identity();

    Outcome whole = Parsing.parse(stream, config, List.of(stream.length));
    Outcome chunked = Parsing.parse(stream, config, cover(stream.length, chunkSizes));

    assertThat(whole.failure()).isNull();
    assertThat(chunked).as("chunks %s", chunkSizes).isEqualTo(whole);
    for (MessageEvent event : whole.events()) {
      assertThat(event.dataString()).isNotNull();
      if (event.id() != null) {
        assertThat(event.id()).doesNotContain("\0", "\r", "\n").isNotEmpty();
      }
      if (event.type() != null) {
        assertThat(event.type()).doesNotContain("\r", "\n").isNotEmpty();
      }
    }
    assertThat(whole.lastEventId()).doesNotContain("\0", "\r", "\n");
    Statistics.label("events")
        .collect(whole.events().isEmpty() ? "none" : "some")
        .coverage(c -> c.check("some").percentage(p -> p > 30));
  }

  @Provide
  Arbitrary<List<MessageEvent>> frames() {
    Arbitrary<String> text = text();
    Arbitrary<String> singleLine = text.map(s -> s.replaceAll("[\r\n\0]", ""));
    Arbitrary<String> comment = text.map(s -> s.replace("\0", ""));
    Arbitrary<MessageEvent> frame =
        Combinators.combine(
                text.injectNull(0.15),
                singleLine.injectNull(0.5),
                singleLine.injectNull(0.5),
                Arbitraries.longs().between(0, Long.MAX_VALUE).injectNull(0.8),
                comment.injectNull(0.8))
            .as(SseRoundTripProperties::frame);
    return frame.list().ofMaxSize(8);
  }

  /** Lines that are often fields, with any bytes in them and any line ends. */
  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<byte[]> start =
        Arbitraries.of(
                "data:", "data: ", "data", "id:", "id", "event:", "retry:", ":", "", "\uFEFF",
                "Data:")
            .map(Bytes::utf8);
    Arbitrary<byte[]> token =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.of(
                        "data", ":", " ", "\r", "\n", "\r\n", "\uFEFF", "\0", "12", "x", "\u2026")
                    .map(Bytes::utf8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(3)));
    Arbitrary<byte[]> end =
        Arbitraries.of("\n", "\r", "\r\n", "\n\n", "\r\r", "\r\n\r\n", "").map(Bytes::utf8);
    Arbitrary<byte[]> line =
        Combinators.combine(
                start, token.list().ofMaxSize(4).map(SseRoundTripProperties::concat), end)
            .as((s, t, e) -> concat(List.of(s, t, e)));
    return line.list().ofMaxSize(16).map(SseRoundTripProperties::concat);
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.integers().between(1, 40).list().ofMinSize(1).ofMaxSize(20);
  }

  /** Strings rich in what the format treats specially. */
  private static Arbitrary<String> text() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.of(
                    "\r",
                    "\n",
                    "\r\n",
                    "\0",
                    "\uFEFF",
                    " ",
                    "  ",
                    ":",
                    "\t",
                    "\u2026",
                    "\u00e9",
                    "\uD83D\uDE00",
                    "data:",
                    "id: ",
                    "event",
                    "retry: 5"),
                Arbitraries.strings().alpha().numeric().ofMaxLength(6),
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(4)));
    return piece.list().ofMaxSize(10).map(pieces -> String.join("", pieces));
  }

  private static MessageEvent frame(
      @Nullable String data,
      @Nullable String id,
      @Nullable String type,
      @Nullable Long retry,
      @Nullable String comment) {
    boolean empty = data == null && id == null && retry == null && comment == null;
    return MessageEvent.builder()
        .data(empty ? "" : data)
        .id(id)
        .type(type)
        .retry(retry == null ? null : Duration.ofMillis(retry))
        .comment(comment)
        .build();
  }

  /** What a conforming client reports for these frames, in order. */
  private static List<Object> expectedLog(List<MessageEvent> frames) {
    List<Object> log = new ArrayList<>();
    String lastEventId = "";
    for (MessageEvent frame : frames) {
      if (frame.comment() != null) {
        Arrays.stream(frame.comment().split("\r\n|\r|\n", -1)).map(Comment::new).forEach(log::add);
      }
      if (frame.retry() != null) {
        log.add(new Retry(frame.retry().toMillis()));
      }
      lastEventId = frame.id() != null ? frame.id() : lastEventId;
      if (frame.data() != null) {
        String data = frame.dataString().replace("\r\n", "\n").replace('\r', '\n');
        String type = Objects.requireNonNullElse(frame.type(), MessageEvent.DEFAULT_TYPE);
        log.add(new View(type, data, lastEventId));
      }
    }
    return log;
  }

  private static String expectedLastEventId(List<MessageEvent> frames) {
    String lastEventId = "";
    for (MessageEvent frame : frames) {
      lastEventId = frame.id() != null ? frame.id() : lastEventId;
    }
    return lastEventId;
  }

  private static List<Object> viewsOf(List<Object> log) {
    return log.stream()
        .map(o -> o instanceof MessageEvent ? View.of((MessageEvent) o) : o)
        .collect(Collectors.toList());
  }

  /** Repeats the chunk sizes until they cover the length. */
  private static List<Integer> cover(int length, List<Integer> sizes) {
    List<Integer> chunks = new ArrayList<>();
    int covered = 0;
    for (int i = 0; covered < length; i++) {
      int size = Math.min(sizes.get(i % sizes.size()), length - covered);
      chunks.add(size);
      covered += size;
    }
    return chunks;
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
