package dev.herald.sse;

import static dev.herald.sse.Parsing.parseEveryWay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.herald.sse.Parsing.Outcome;
import dev.herald.sse.Recording.Comment;
import dev.herald.sse.Recording.Retry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SseParserTest {
  private static MessageEvent event(String data) {
    return MessageEvent.parsed(data, null, null);
  }

  private static MessageEvent event(String data, @Nullable String id, @Nullable String type) {
    return MessageEvent.parsed(data, id, type);
  }

  @Nested
  class LineEnds {
    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void everyLineEndEndsFieldLinesAndBlankLines(String eol) {
      Outcome outcome = parseEveryWay("data:a" + eol + "data:b" + eol + eol + "data:c" + eol + eol);

      assertThat(outcome.events()).containsExactly(event("a\nb"), event("c"));
    }

    @Test
    void mixedLineEndsInOneStreamAreAllAccepted() {
      Outcome outcome = parseEveryWay("data:test\r\ndata\ndata:test\r\n\r\ndata:x\r\r");

      assertThat(outcome.events()).containsExactly(event("test\n\ntest"), event("x"));
    }

    @Test
    void crlfSplitAcrossChunksIsOneLineEnd() {
      Recording recording = new Recording();
      SseParser parser = SseParser.builder().build(recording);

      parser.feed(Bytes.utf8("data:a\r"), 0, 7);
      parser.feed(Bytes.utf8("\ndata:b\r"), 0, 8);
      parser.feed(Bytes.utf8("\n"), 0, 1);
      assertThat(recording.events()).isEmpty();
      parser.feed(Bytes.utf8("\r"), 0, 1);
      assertThat(recording.events()).containsExactly(event("a\nb"));
      parser.feed(Bytes.utf8("\n"), 0, 1);
      parser.end();

      assertThat(recording.events()).containsExactly(event("a\nb"));
      assertThat(parseEveryWay("data:a\r\ndata:b\r\n\r\n").events()).containsExactly(event("a\nb"));
    }

    @Test
    void lfAfterLfOrCrAfterLfIsABlankLine() {
      Outcome outcome = parseEveryWay("data:a\n\rdata:b\n\ndata:c\r\rdata:d\r\n\r");

      assertThat(outcome.events()).containsExactly(event("a"), event("b"), event("c"), event("d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:a\r\r", "data:a\n\r", "data:a\r\n\r"})
    void dispatchDoesNotWaitForTheByteAfterACr(String input) {
      Recording recording = new Recording();
      SseParser parser = SseParser.builder().build(recording);

      parser.feed(ByteBuffer.wrap(Bytes.utf8(input)));

      assertThat(recording.events()).containsExactly(event("a"));
    }
  }

  @Nested
  class ByteOrderMark {
    @Test
    void oneBomAtTheStartIsStripped() {
      assertThat(parseEveryWay("\uFEFFdata:1\n\n").events()).containsExactly(event("1"));
    }

    @Test
    void aSecondBomBecomesPartOfTheFieldName() {
      Outcome outcome = parseEveryWay("\uFEFF\uFEFFdata:1\n\ndata:2\n\n");

      assertThat(outcome.events()).containsExactly(event("2"));
    }

    @Test
    void aBomSplitByteByByteIsStripped() {
      Recording recording = new Recording();
      SseParser parser = SseParser.builder().build(recording);

      for (byte b : Bytes.of(0xEF, 0xBB, 0xBF, "data:1\n\n")) {
        parser.feed(new byte[] {b}, 0, 1);
      }

      assertThat(recording.events()).containsExactly(event("1"));
    }

    @Test
    void aBomAfterTheStartIsContent() {
      Outcome outcome = parseEveryWay("data:1\n\n\uFEFFdata:2\n\ndata:\uFEFF3\n\n");

      assertThat(outcome.events()).containsExactly(event("1"), event("\uFEFF3"));
    }

    @Test
    void aPartialBomIsProcessedAsContent() {
      Outcome twoBytes = parseEveryWay(Bytes.of(0xEF, 0xBB, "data:x\n\ndata:y\n\n"));
      Outcome oneByte = parseEveryWay(Bytes.of(0xEF, ": not a comment\ndata:y\n\n"));
      Outcome lineEnd = parseEveryWay(Bytes.of(0xEF, 0xBB, "\ndata:y\n\n"));

      assertThat(twoBytes.events()).containsExactly(event("y"));
      assertThat(oneByte.events()).containsExactly(event("y"));
      assertThat(oneByte.comments()).isEmpty();
      assertThat(lineEnd.events()).containsExactly(event("y"));
    }

    @Test
    void aBomPrefixFollowedByABomKeepsTheSecondAsContent() {
      Outcome outcome =
          parseEveryWay(Bytes.of(0xEF, 0xBB, 0xEF, 0xBB, 0xBF, "data:x\n\ndata:y\n\n"));

      assertThat(outcome.events()).containsExactly(event("y"));
    }

    @Test
    void aStreamOfOnlyABomOrPartOfOneProducesNothing() {
      assertThat(parseEveryWay(Bytes.of(0xEF, 0xBB, 0xBF)).log()).isEmpty();
      assertThat(parseEveryWay(Bytes.of(0xEF, 0xBB)).log()).isEmpty();
      assertThat(parseEveryWay(new byte[0]).log()).isEmpty();
    }
  }

  @Nested
  class Decoding {
    @Test
    void invalidUtf8BecomesReplacementCharacters() {
      Outcome outcome = parseEveryWay(Bytes.of("data:", 0xFF, "hello", 0xC2, "\ndata:bye\n\n"));

      assertThat(outcome.events()).containsExactly(event("\uFFFDhello\uFFFD\nbye"));
    }

    @Test
    void eachMaximalInvalidSubpartBecomesOneReplacementCharacter() {
      Outcome outcome =
          parseEveryWay(
              Bytes.of(
                  "data:", 0xF0, 0x9F, 0x98, "x\n", // truncated four-byte sequence
                  "data:", 0xED, 0xA0, 0x80, "\n", // encoded surrogate: three invalid bytes
                  "data:", 0xE0, 0x80, 0xAF, "\n", // overlong: three invalid bytes
                  "data:", 0xF4, 0x90, 0x80, 0x80, "\n", // above U+10FFFF: four invalid bytes
                  "data:", 0xC0, 0xAF, 0xE2, 0x80, "\n\n")); // overlong, then truncated

      assertThat(outcome.events())
          .containsExactly(
              event(
                  "\uFFFDx\n\uFFFD\uFFFD\uFFFD\n\uFFFD\uFFFD\uFFFD\n"
                      + "\uFFFD\uFFFD\uFFFD\uFFFD\n\uFFFD\uFFFD\uFFFD"));
    }

    @Test
    void multiByteCharactersSplitAcrossChunksAreDecoded() {
      Outcome outcome =
          parseEveryWay("id:\u2026\nevent:\u00fc\ndata:ok\u2026 \u00e9 \uD83D\uDE00 \u4e2d\n\n");

      assertThat(outcome.events())
          .containsExactly(event("ok\u2026 \u00e9 \uD83D\uDE00 \u4e2d", "\u2026", "\u00fc"));
    }
  }

  @Nested
  class Comments {
    @Test
    void commentsGoToTheListenerWithOneLeadingSpaceRemoved() {
      Outcome outcome = parseEveryWay(": ping\n:\n:  two\n:no space\n::colon\n: \u2026\r\n");

      assertThat(outcome.comments())
          .containsExactly("ping", "", " two", "no space", ":colon", "\u2026");
      assertThat(outcome.events()).isEmpty();
    }

    @Test
    void commentsBetweenFieldsDoNotDisturbTheEvent() {
      Outcome outcome = parseEveryWay("data:a\n: c\ndata:b\n:data:x\n\n");

      assertThat(outcome.log())
          .containsExactly(new Comment("c"), new Comment("data:x"), event("a\nb"));
    }
  }

  @Nested
  class Fields {
    @Test
    void theValueStartsAfterTheFirstColon() {
      Outcome outcome = parseEveryWay("data:a:b\ndata: c: d\ndata::\n\n");

      assertThat(outcome.events()).containsExactly(event("a:b\nc: d\n:"));
    }

    @Test
    void onlyOneLeadingSpaceIsRemoved() {
      Outcome outcome = parseEveryWay("data:  x\ndata:\ty\ndata: \ndata:z \n\n");

      assertThat(outcome.events()).containsExactly(event(" x\n\ty\n\nz "));
    }

    @Test
    void aLineWithoutColonIsAFieldWithAnEmptyValue() {
      Outcome outcome = parseEveryWay("data\n\ndata\ndata\n\n");

      assertThat(outcome.events()).containsExactly(event(""), event("\n"));
    }

    @Test
    void fieldNamesAreCaseSensitiveAndExact() {
      Outcome outcome =
          parseEveryWay("Data:1\nDATA:2\n data:3\ndata :4\ndata\0:5\nda-ta:6\n\ndata:ok\n\n");

      assertThat(outcome.events()).containsExactly(event("ok"));
    }

    @Test
    void unknownFieldsAreIgnored() {
      Outcome outcome = parseEveryWay("foo:bar\ndata:x\nfoobar\nidd:1\nretryy:1\n\n");

      assertThat(outcome.log()).containsExactly(event("x"));
    }

    @Test
    void dataMayContainNulTabsAndBoms() {
      Outcome outcome = parseEveryWay("data:\0\ndata:a\tb\ndata:\uFEFF\n\n");

      assertThat(outcome.events()).containsExactly(event("\0\na\tb\n\uFEFF"));
    }
  }

  @Nested
  class EventType {
    @Test
    void theEventFieldSetsTheType() {
      assertThat(parseEveryWay("event:add\ndata:x\n\n").events())
          .containsExactly(event("x", null, "add"));
    }

    @Test
    void theLastEventFieldWins() {
      assertThat(parseEveryWay("event:a\nevent: b\ndata:x\n\n").events())
          .containsExactly(event("x", null, "b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"event:", "event: ", "event"})
    void anEmptyEventFieldMeansTheDefaultType(String field) {
      Outcome outcome = parseEveryWay("event:a\n" + field + "\ndata:x\n\n");

      assertThat(outcome.events()).containsExactly(event("x", null, null));
    }

    @Test
    void theTypeIsResetAfterEachDispatch() {
      Outcome outcome = parseEveryWay("event:a\ndata:1\n\ndata:2\n\n");

      assertThat(outcome.events()).containsExactly(event("1", null, "a"), event("2"));
    }

    @Test
    void theTypeOfABlockWithoutDataIsDiscarded() {
      assertThat(parseEveryWay("event:a\n\ndata:2\n\n").events()).containsExactly(event("2"));
    }

    @Test
    void theTypeMayContainNul() {
      assertThat(parseEveryWay("event:a\0b\ndata:x\n\n").events())
          .containsExactly(event("x", null, "a\0b"));
    }
  }

  @Nested
  class EventId {
    @Test
    void theIdFieldSetsTheLastEventId() {
      Outcome outcome = parseEveryWay("id:1\ndata:a\n\n");

      assertThat(outcome.events()).containsExactly(event("a", "1", null));
      assertThat(outcome.lastEventId()).isEqualTo("1");
    }

    @Test
    void theIdPersistsUntilChanged() {
      Outcome outcome = parseEveryWay("id: 1\ndata:a\n\ndata:b\n\nid:2\ndata:c\n\n");

      assertThat(outcome.events())
          .containsExactly(event("a", "1", null), event("b", "1", null), event("c", "2", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"id:", "id: ", "id"})
    void anEmptyIdResetsTheLastEventId(String field) {
      Outcome outcome = parseEveryWay("id:1\ndata:a\n\n" + field + "\ndata:b\n\n");

      assertThat(outcome.events()).containsExactly(event("a", "1", null), event("b"));
      assertThat(outcome.lastEventId()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\0\0", "x\0", "\0x", "x\0x", " \0"})
    void anIdContainingNulIsIgnored(String value) {
      Outcome outcome = parseEveryWay("id:1\ndata:a\n\nid:" + value + "\ndata:b\n\n");

      assertThat(outcome.events()).containsExactly(event("a", "1", null), event("b", "1", null));
    }

    @Test
    void theIdIsCommittedEvenWhenNoEventIsDispatched() {
      Outcome outcome = parseEveryWay("id:99\n\n");

      assertThat(outcome.log()).isEmpty();
      assertThat(outcome.lastEventId()).isEqualTo("99");
    }

    @Test
    void theIdOfAnIncompleteEventIsNotCommitted() {
      Outcome outcome = parseEveryWay("id:1\ndata:a\n\nid:2\ndata:b\n");

      assertThat(outcome.events()).containsExactly(event("a", "1", null));
      assertThat(outcome.lastEventId()).isEqualTo("1");
    }

    @Test
    void theLastEventIdIsCommittedBeforeTheListenerRuns() {
      List<String> seen = new ArrayList<>();
      SseParser[] parser = new SseParser[1];
      parser[0] = SseParser.builder().build(event -> seen.add(parser[0].lastEventId()));

      parser[0].feed(Bytes.utf8("id:1\ndata:a\n\nid:2\ndata:b\n\n"), 0, 26);

      assertThat(seen).containsExactly("1", "2");
    }

    @Test
    void theInitialLastEventIdIsReportedUntilChanged() {
      Outcome outcome =
          parseEveryWay(Bytes.utf8("data:a\n\nid:8\ndata:b\n\n"), b -> b.lastEventId("7"));

      assertThat(outcome.events()).containsExactly(event("a", "7", null), event("b", "8", null));
    }

    @Test
    void theInitialLastEventIdSurvivesAnIncompleteEvent() {
      Outcome outcome = parseEveryWay(Bytes.utf8("id:8\ndata:b\n"), b -> b.lastEventId("7"));

      assertThat(outcome.log()).isEmpty();
      assertThat(outcome.lastEventId()).isEqualTo("7");
    }
  }

  @Nested
  class RetryField {
    @ParameterizedTest
    @CsvSource({
      "retry:03000, 3000",
      "retry: 3000, 3000",
      "retry:0, 0",
      "retry:2, 2",
      "retry:9223372036854775807, 9223372036854775807"
    })
    void aRetryOfOnlyAsciiDigitsIsReportedInMilliseconds(String line, long millis) {
      Outcome outcome = parseEveryWay(line + "\ndata:x\n\n");

      assertThat(outcome.log()).containsExactly(new Retry(millis), event("x"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "1000x",
          "a0",
          "2a",
          "09a",
          "1\b",
          "  1234",
          "456 ",
          "-1",
          "+5",
          "1e3",
          "1.5",
          "",
          "\u0663",
          "9223372036854775808",
          "99999999999999999999"
        })
    void anyOtherRetryIsIgnored(String value) {
      Outcome outcome = parseEveryWay("retry:3000\nretry:" + value + "\nretry\ndata:x\n\n");

      assertThat(outcome.log()).containsExactly(new Retry(3000), event("x"));
    }

    @Test
    void aRetryTakesEffectWithoutDispatch() {
      Recording recording = new Recording();
      SseParser parser = SseParser.builder().build(recording);

      parser.feed(Bytes.utf8("retry:5\n"), 0, 8);

      assertThat(recording.log()).containsExactly(new Retry(5));
    }

    @Test
    void everythingIsReportedInStreamOrder() {
      Outcome outcome = parseEveryWay(": c\nretry:1\ndata:x\n\nretry:2\n: d\n\n");

      assertThat(outcome.log())
          .containsExactly(
              new Comment("c"), new Retry(1), event("x"), new Retry(2), new Comment("d"));
    }
  }

  @Nested
  class Dispatch {
    @Test
    void oneTrailingLfIsRemoved() {
      Outcome outcome = parseEveryWay("data:a\ndata:\n\ndata:\ndata:\n\n");

      assertThat(outcome.events()).containsExactly(event("a\n"), event("\n"));
    }

    @Test
    void aBlankLineWithAnEmptyDataBufferDispatchesNothing() {
      Outcome outcome = parseEveryWay("\n\n\r\n\revent:x\n\nretryy\n\ndata:ok\n\n");

      assertThat(outcome.log()).containsExactly(event("ok"));
    }

    @Test
    void endDiscardsAnIncompleteEvent() {
      assertThat(parseEveryWay("data:a\n\ndata:b\n").events()).containsExactly(event("a"));
      assertThat(parseEveryWay("data:a\n\ndata:b").events()).containsExactly(event("a"));
      assertThat(parseEveryWay("data:a\n\ndata:b\r").events()).containsExactly(event("a"));
    }

    @Test
    void feedingAfterEndIsRefused() {
      SseParser parser = SseParser.builder().build(new Recording());
      parser.end();
      parser.end();

      assertThatThrownBy(() -> parser.feed(new byte[1], 0, 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("parser ended: end() was called");
      assertThatThrownBy(() -> parser.feed(ByteBuffer.allocate(1)))
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theListenerCanEndTheParserAndTheRestOfTheChunkIsDiscarded() {
      List<MessageEvent> events = new ArrayList<>();
      SseParser[] parser = new SseParser[1];
      parser[0] =
          SseParser.builder()
              .build(
                  event -> {
                    events.add(event);
                    parser[0].end();
                  });

      parser[0].feed(Bytes.utf8("data:a\n\ndata:b\n\n"), 0, 16);

      assertThat(events).containsExactly(event("a"));
    }

    @Test
    void theListenerCanEndTheParserWhileALargeDirectBufferIsFed() {
      List<MessageEvent> events = new ArrayList<>();
      SseParser[] parser = new SseParser[1];
      parser[0] =
          SseParser.builder()
              .build(
                  event -> {
                    events.add(event);
                    parser[0].end();
                  });
      byte[] content = Bytes.utf8("data:a\n\n" + "data:b\n\n".repeat(5000));
      ByteBuffer buffer = ByteBuffer.allocateDirect(content.length).put(content).flip();

      parser[0].feed(buffer);

      assertThat(events).containsExactly(event("a"));
      assertThat(buffer.hasRemaining()).isFalse();
    }

    @Test
    void anExceptionFromTheListenerMakesTheParserUnusable() {
      SseParser parser =
          SseParser.builder()
              .build(
                  event -> {
                    throw new IllegalArgumentException("boom");
                  });

      assertThatThrownBy(() -> parser.feed(Bytes.utf8("data:a\n\n"), 0, 8)).hasMessage("boom");
      assertThatThrownBy(() -> parser.feed(Bytes.utf8("data:b\n\n"), 0, 8))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("parser failed: an earlier call threw; discard it");
    }
  }

  @Nested
  class Limits {
    @Test
    void aLineAtTheLimitIsAccepted() {
      Outcome outcome = parseEveryWay(Bytes.utf8("data:ab\n: comm\n\n"), b -> b.maxLineLength(7));

      assertThat(outcome.failure()).isNull();
      assertThat(outcome.log()).containsExactly(new Comment("comm"), event("ab"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:abc\n\n", "data:abc", ": commen\n", "data:a\n\ndata:abc\r\n"})
    void aLineOverTheLimitIsRefused(String input) {
      Outcome outcome = parseEveryWay(Bytes.utf8(input), b -> b.maxLineLength(7));

      assertThat(outcome.failure()).isEqualTo("line exceeds maxLineLength: 7 bytes");
    }

    @Test
    void aLongUnterminatedLineIsRefusedBeforeItEnds() {
      SseParser parser = SseParser.builder().maxLineLength(1024).build(new Recording());
      parser.feed(new byte[1000], 0, 1000);

      assertThatThrownBy(() -> parser.feed(new byte[100], 0, 100))
          .isInstanceOf(SseParseException.class)
          .hasMessage("line exceeds maxLineLength: 1024 bytes");
      assertThatThrownBy(() -> parser.feed(new byte[] {'\n'}, 0, 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("parser failed: an earlier call threw; discard it");
    }

    @Test
    void dataAtTheLimitIsAccepted() {
      Outcome outcome =
          parseEveryWay(Bytes.utf8("data:ab\ndata:cd\n\ndata:\u2026\n\n"), b -> b.maxEventSize(5));

      assertThat(outcome.failure()).isNull();
      assertThat(outcome.events()).containsExactly(event("ab\ncd"), event("\u2026"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:ab\ndata:cde\n\n", "data:\u2026\u2026\n\n", "data:123456\n"})
    void dataOverTheLimitIsRefused(String input) {
      Outcome outcome = parseEveryWay(Bytes.utf8(input), b -> b.maxEventSize(5));

      assertThat(outcome.failure()).isEqualTo("event data exceeds maxEventSize: 5 bytes");
    }

    @Test
    void theLimitCountsEachEventSeparately() {
      Outcome outcome =
          parseEveryWay(Bytes.utf8("data:abc\n\ndata:def\n\ndata:ghi\n\n"), b -> b.maxEventSize(3));

      assertThat(outcome.failure()).isNull();
      assertThat(outcome.events()).containsExactly(event("abc"), event("def"), event("ghi"));
    }

    @Test
    void theDefaultLimitsAre16MiB() {
      assertThat(SseParser.DEFAULT_MAX_LINE_LENGTH).isEqualTo(16 * 1024 * 1024);
      assertThat(SseParser.DEFAULT_MAX_EVENT_SIZE).isEqualTo(16 * 1024 * 1024);
      byte[] line = new byte[SseParser.DEFAULT_MAX_LINE_LENGTH + 1];
      Arrays.fill(line, (byte) 'x');

      SseParser parser = SseParser.builder().build(new Recording());

      assertThatThrownBy(() -> parser.feed(line, 0, line.length))
          .hasMessage("line exceeds maxLineLength: 16777216 bytes");
    }

    @Test
    void theBuilderRefusesInvalidSettings() {
      Recording listener = new Recording();

      assertThatThrownBy(() -> SseParser.builder().maxLineLength(0).build(listener))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxLineLength: 0 (expected: > 0)");
      assertThatThrownBy(() -> SseParser.builder().maxEventSize(-1).build(listener))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxEventSize: -1 (expected: > 0)");
      assertThatThrownBy(() -> SseParser.builder().lastEventId("a\nb").build(listener))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("lastEventId contains LF at index 1 (expected: no CR, LF or NUL)");
      assertThatThrownBy(() -> SseParser.builder().lastEventId(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("lastEventId");
      assertThatThrownBy(() -> SseParser.builder().build(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("listener");
    }
  }

  @Nested
  class LargeEvents {
    private static final int SIZE = 10 * 1024 * 1024;

    @Test
    void aTenMegabyteLineInSmallChunksParsesInLinearTime() {
      byte[] input = new byte[5 + SIZE + 2];
      Arrays.fill(input, (byte) 'x');
      System.arraycopy(Bytes.utf8("data:"), 0, input, 0, 5);
      input[input.length - 2] = '\n';
      input[input.length - 1] = '\n';

      List<MessageEvent> events =
          assertTimeoutPreemptively(Duration.ofSeconds(10), () -> feedInChunks(input, 256));

      assertThat(events).hasSize(1);
      assertThat(events.get(0).dataString()).hasSize(SIZE).matches("x+");
    }

    @Test
    void aTenMegabyteEventOfManyLinesParsesInLinearTime() {
      StringBuilder text = new StringBuilder();
      int lines = 0;
      while (text.length() < SIZE) {
        text.append("data:").append("y".repeat(95)).append('\n');
        lines++;
      }
      byte[] input = Bytes.utf8(text.append('\n').toString());

      List<MessageEvent> events =
          assertTimeoutPreemptively(Duration.ofSeconds(10), () -> feedInChunks(input, 1000));

      assertThat(events).hasSize(1);
      assertThat(events.get(0).dataString())
          .isEqualTo(String.join("\n", Collections.nCopies(lines, "y".repeat(95))));
    }

    private List<MessageEvent> feedInChunks(byte[] input, int chunkSize) {
      Recording recording = new Recording();
      SseParser parser = SseParser.builder().build(recording);
      for (int offset = 0; offset < input.length; offset += chunkSize) {
        parser.feed(input, offset, Math.min(chunkSize, input.length - offset));
      }
      return recording.events();
    }
  }

  @Nested
  class Feeding {
    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct", "read-only", "heap slice"})
    void buffersOfEveryKindAreReadFromPositionToLimit(String kind) {
      byte[] content = Bytes.utf8("XXdata:\u2026\n\nYY");
      ByteBuffer buffer = buffer(kind, content);
      buffer.position(2).limit(content.length - 2);
      Recording recording = new Recording();

      SseParser.builder().build(recording).feed(buffer);

      assertThat(recording.events()).containsExactly(event("\u2026"));
      assertThat(buffer.position()).isEqualTo(content.length - 2);
    }

    @Test
    void aDirectBufferLargerThanTheScratchArrayIsReadWhole() {
      byte[] content = Bytes.utf8("data:" + "z".repeat(20_000) + "\n\n");
      ByteBuffer buffer = ByteBuffer.allocateDirect(content.length).put(content).flip();
      Recording recording = new Recording();

      SseParser.builder().build(recording).feed(buffer);

      assertThat(recording.events()).containsExactly(event("z".repeat(20_000)));
    }

    @Test
    void anOffsetAndLengthOutsideTheArrayAreRefused() {
      SseParser parser = SseParser.builder().build(new Recording());

      assertThatThrownBy(() -> parser.feed(new byte[4], 3, 2))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> parser.feed(new byte[4], -1, 1))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private ByteBuffer buffer(String kind, byte[] content) {
      switch (kind) {
        case "heap":
          return ByteBuffer.wrap(content);
        case "direct":
          return ByteBuffer.allocateDirect(content.length).put(content).clear();
        case "read-only":
          return ByteBuffer.wrap(content).asReadOnlyBuffer();
        default:
          byte[] padded = new byte[content.length + 3];
          System.arraycopy(content, 0, padded, 3, content.length);
          return ByteBuffer.wrap(padded).position(3).slice();
      }
    }
  }
}
