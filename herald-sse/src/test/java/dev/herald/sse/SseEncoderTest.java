package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SseEncoderTest {
  private final SseEncoder encoder = SseEncoder.create();

  record Point(int x, int y) {}

  private String encode(MessageEvent event) {
    return encoder.encodeToString(event);
  }

  @Test
  void dataAloneIsOneDataLineAndABlankLine() {
    assertThat(encode(MessageEvent.of("hello"))).isEqualTo("data: hello\n\n");
  }

  @Test
  void allFieldsAreWrittenInOrder() {
    MessageEvent event =
        MessageEvent.builder()
            .data("x")
            .type("add")
            .id("7")
            .retry(Duration.ofSeconds(5))
            .comment("c")
            .build();

    assertThat(encode(event)).isEqualTo(": c\nretry: 5000\nid: 7\nevent: add\ndata: x\n\n");
  }

  @Test
  void eachFieldAloneEndsWithABlankLine() {
    assertThat(encode(MessageEvent.builder().id("7").build())).isEqualTo("id: 7\n\n");
    assertThat(encode(MessageEvent.builder().retry(Duration.ofMillis(3000)).build()))
        .isEqualTo("retry: 3000\n\n");
    assertThat(encode(MessageEvent.comment("ping"))).isEqualTo(": ping\n\n");
    assertThat(encode(MessageEvent.builder().data("x").type("t").build()))
        .isEqualTo("event: t\ndata: x\n\n");
    assertThat(encode(MessageEvent.builder().id("1").type("t").build()))
        .isEqualTo("id: 1\nevent: t\n\n");
  }

  @Test
  void anEmptyIdIsWrittenBecauseItResetsTheLastEventId() {
    assertThat(encode(MessageEvent.builder().id("").data("x").build()))
        .isEqualTo("id: \ndata: x\n\n");
  }

  @Test
  void anEmptyCommentIsOneCommentLine() {
    assertThat(encode(MessageEvent.comment(""))).isEqualTo(": \n\n");
  }

  @Test
  void theDefaultTypeIsNotWritten() {
    assertThat(encode(MessageEvent.builder().data("x").type("").build())).isEqualTo("data: x\n\n");
  }

  @Test
  void retryIsWrittenInWholeMilliseconds() {
    assertThat(encode(MessageEvent.builder().retry(Duration.ofNanos(1_999_999)).build()))
        .isEqualTo("retry: 1\n\n");
    assertThat(encode(MessageEvent.builder().retry(Duration.ZERO).build()))
        .isEqualTo("retry: 0\n\n");
    assertThat(encode(MessageEvent.builder().retry(Duration.ofMillis(Long.MAX_VALUE)).build()))
        .isEqualTo("retry: 9223372036854775807\n\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "a\r\nb"})
  void dataIsSplitIntoOneLinePerLineEnd(String data) {
    assertThat(encode(MessageEvent.of(data))).isEqualTo("data: a\ndata: b\n\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "|",
      value = {
        "a\\n\\rb    | data: a\\ndata: \\ndata: b\\n\\n",
        "a\\r\\rb    | data: a\\ndata: \\ndata: b\\n\\n",
        "a\\n\\nb    | data: a\\ndata: \\ndata: b\\n\\n",
        "a\\r\\n\\nb | data: a\\ndata: \\ndata: b\\n\\n",
        "\\r\\n      | data: \\ndata: \\n\\n",
        "\\r\\n\\r   | data: \\ndata: \\ndata: \\n\\n",
        "x\\r\\ny\\rz\\n | data: x\\ndata: y\\ndata: z\\ndata: \\n\\n"
      })
  void mixedAndRepeatedLineEndsEachEndOneLine(String escapedData, String escapedFrame) {
    assertThat(encode(MessageEvent.of(unescape(escapedData)))).isEqualTo(unescape(escapedFrame));
  }

  @Test
  void emptyDataIsOneEmptyDataLine() {
    assertThat(encode(MessageEvent.of(""))).isEqualTo("data: \n\n");
  }

  @Test
  void aTrailingLineEndBecomesAnEmptyLastDataLine() {
    assertThat(encode(MessageEvent.of("a\n"))).isEqualTo("data: a\ndata: \n\n");
    assertThat(encode(MessageEvent.of("\n"))).isEqualTo("data: \ndata: \n\n");
  }

  @Test
  void leadingSpacesSurviveBecauseOneSpaceFollowsEveryColon() {
    MessageEvent event = MessageEvent.builder().data(" x\n  y").id(" 1").type(" t").build();

    assertThat(encode(event)).isEqualTo("id:  1\nevent:  t\ndata:  x\ndata:   y\n\n");
  }

  @Test
  void aCommentWithLineBreaksBecomesOneCommentLinePerLine() {
    assertThat(encode(MessageEvent.comment("a\r\nb\rc\nd\n")))
        .isEqualTo(": a\n: b\n: c\n: d\n: \n\n");
  }

  @Test
  void nulColonsAndBomsInDataAreWrittenAsTheyAre() {
    assertThat(encode(MessageEvent.of("\0:\uFEFF"))).isEqualTo("data: \0:\uFEFF\n\n");
  }

  @Test
  void dataThatIsNotAStringIsRefusedWithoutASerializer() {
    assertThatThrownBy(() -> encode(MessageEvent.of(new Point(1, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "data is a dev.herald.sse.SseEncoderTest$Point, not a String: give the encoder a"
                + " serializer");
  }

  @Test
  void dataThatIsNotAStringGoesThroughTheSerializer() {
    SseEncoder json =
        SseEncoder.create(o -> "{\"x\":" + ((Point) o).x() + ",\n\"y\":" + ((Point) o).y() + "}");

    assertThat(json.encodeToString(MessageEvent.builder().data(new Point(1, 2)).id("9").build()))
        .isEqualTo("id: 9\ndata: {\"x\":1,\ndata: \"y\":2}\n\n");
  }

  @Test
  void stringDataDoesNotGoThroughTheSerializer() {
    SseEncoder json =
        SseEncoder.create(
            o -> {
              throw new AssertionError("serializer called for " + o);
            });

    assertThat(json.encodeToString(MessageEvent.of("text"))).isEqualTo("data: text\n\n");
  }

  @Test
  void aFailingSerializerLeavesTheOutputUntouched() {
    SseEncoder failing =
        SseEncoder.create(
            o -> {
              throw new IllegalStateException("cannot serialize");
            });
    StringBuilder out = new StringBuilder("before");
    MessageEvent event = MessageEvent.builder().data(new Point(1, 2)).comment("c").build();

    assertThatThrownBy(() -> failing.encode(event, out)).hasMessage("cannot serialize");
    assertThat(out).hasToString("before");
  }

  @Test
  void aSerializerReturningNullIsReported() {
    SseEncoder nulls = SseEncoder.create(o -> null);

    assertThatThrownBy(() -> nulls.encodeToString(MessageEvent.of(new Point(1, 2))))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataSerializer returned null for a dev.herald.sse.SseEncoderTest$Point");
  }

  @Test
  void encodeAppendsToTheBuilder() {
    StringBuilder out = new StringBuilder(": hi\n\n");

    encoder.encode(MessageEvent.of("a"), out);
    encoder.encode(MessageEvent.of("b"), out);

    assertThat(out).hasToString(": hi\n\ndata: a\n\ndata: b\n\n");
  }

  @Test
  void bytesAreUtf8() {
    MessageEvent event = MessageEvent.builder().data("ok\u2026 \uD83D\uDE00").id("\u00e9").build();

    assertThat(encoder.encode(event))
        .isEqualTo(
            Bytes.of(
                "id: ",
                0xC3,
                0xA9,
                "\ndata: ok",
                0xE2,
                0x80,
                0xA6,
                " ",
                0xF0,
                0x9F,
                0x98,
                0x80,
                "\n\n"));
  }

  @Test
  void nullArgumentsAreRefused() {
    assertThatThrownBy(() -> SseEncoder.create(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataSerializer");
    assertThatThrownBy(() -> encoder.encode(null, new StringBuilder()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("event");
    assertThatThrownBy(() -> encoder.encode(MessageEvent.of("x"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("out");
  }

  @Test
  void whatTheEncoderWritesTheParserReadsBack() {
    MessageEvent event =
        MessageEvent.builder().data(" a\r\nb\rc\n").id(" 7").type("t").comment("x\ny").build();
    Recording recording = new Recording();
    SseParser parser = SseParser.builder().build(recording);
    byte[] bytes = encoder.encode(event);

    parser.feed(bytes, 0, bytes.length);

    assertThat(recording.events()).containsExactly(MessageEvent.parsed(" a\nb\nc\n", " 7", "t"));
    assertThat(recording.comments()).containsExactly("x", "y");
  }

  private static String unescape(String escaped) {
    return escaped.trim().replace("\\n", "\n").replace("\\r", "\r");
  }
}
