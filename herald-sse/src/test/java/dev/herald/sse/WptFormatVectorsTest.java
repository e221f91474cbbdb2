package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.testing.WptVectors;
import dev.herald.sse.testing.WptVectors.Expected;
import dev.herald.sse.testing.WptVectors.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The web-platform-tests {@code eventsource/format-*} vectors ({@link WptVectors}) through the
 * parser, whole and cut into chunks of every size.
 */
class WptFormatVectorsTest {
  /** How one body is cut into chunks. */
  @FunctionalInterface
  interface Chunker {
    List<Integer> sizes(int length);
  }

  static Stream<Vector> vectors() {
    return WptVectors.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void parserDispatchesWhatWptExpectsInOneChunk(Vector vector) {
    assertResult(vector, run(vector, length -> List.of(length)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void parserDispatchesWhatWptExpectsInSingleBytes(Vector vector) {
    assertResult(vector, run(vector, Parsing::singleBytes));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void parserDispatchesWhatWptExpectsSplitAtEveryPosition(Vector vector) {
    int longest = 0;
    for (String body : bodies(vector)) {
      longest = Math.max(longest, Bytes.utf8(body).length);
    }
    for (int i = 0; i <= longest; i++) {
      int split = i;
      assertResult(vector, run(vector, length -> splitAt(Math.min(split, length), length)));
    }
  }

  @Test
  void everyWptFormatFileOfTheParserIsCovered() {
    List<String> files =
        vectors().map(v -> v.name().split(",")[0]).distinct().collect(Collectors.toList());

    assertThat(files)
        .containsExactlyInAnyOrder(
            "format-bom.any.js",
            "format-bom-2.any.js",
            "format-comments.any.js",
            "format-data-before-final-empty-line.any.js",
            "format-field-data.any.js",
            "format-field-event.any.js",
            "format-field-event-empty.any.js",
            "format-field-id.any.js",
            "format-field-id-2.any.js",
            "format-field-id-3.window.js",
            "format-field-id-null.window.js",
            "format-field-parsing.any.js",
            "format-field-retry.any.js",
            "format-field-retry-bogus.any.js",
            "format-field-retry-empty.any.js",
            "format-field-unknown.any.js",
            "format-leading-space.any.js",
            "format-newlines.any.js",
            "format-null-character.any.js",
            "format-utf-8.any.js");
  }

  private static List<Integer> splitAt(int split, int length) {
    return List.of(split, length - split);
  }

  /** The body of each connection, as the server sends it when the parsing is right. */
  private static List<String> bodies(Vector vector) {
    List<String> bodies = new ArrayList<>();
    String lastEventId = "";
    for (int i = 0; i < vector.connections(); i++) {
      String body = vector.server().apply(lastEventId);
      bodies.add(body);
      lastEventId = connect(body, lastEventId, length -> List.of(length)).lastEventId();
    }
    return bodies;
  }

  /** Connects as often as the vector says, reconnecting with the last event id as browsers do. */
  private static Result run(Vector vector, Chunker chunker) {
    List<Expected> events = new ArrayList<>();
    List<Long> retries = new ArrayList<>();
    String lastEventId = "";
    for (int i = 0; i < vector.connections(); i++) {
      Result connection = connect(vector.server().apply(lastEventId), lastEventId, chunker);
      events.addAll(connection.events());
      retries.addAll(connection.retries());
      lastEventId = connection.lastEventId();
    }
    return new Result(events, retries, lastEventId);
  }

  /** Parses one response body with a new parser, as a browser does per connection. */
  private static Result connect(String body, String lastEventId, Chunker chunker) {
    Recording recording = new Recording();
    SseParser parser = SseParser.builder().lastEventId(lastEventId).build(recording);
    byte[] bytes = Bytes.utf8(body);
    int offset = 0;
    for (int size : chunker.sizes(bytes.length)) {
      parser.feed(bytes, offset, size);
      offset += size;
    }
    assertThat(offset).isEqualTo(bytes.length);
    parser.end();
    List<Expected> events =
        recording.events().stream()
            .map(
                e ->
                    new Expected(
                        Objects.requireNonNullElse(e.type(), MessageEvent.DEFAULT_TYPE),
                        e.dataString(),
                        Objects.requireNonNullElse(e.id(), "")))
            .collect(Collectors.toList());
    return new Result(events, recording.retries(), parser.lastEventId());
  }

  private static void assertResult(Vector vector, Result result) {
    assertThat(result.events).as("events of %s", vector).isEqualTo(vector.events());
    assertThat(result.retries).as("retries of %s", vector).isEqualTo(vector.retries());
    assertThat(vector.events()).as("a vector expects events").isNotEmpty();
  }

  private record Result(List<Expected> events, List<Long> retries, String lastEventId) {}
}
