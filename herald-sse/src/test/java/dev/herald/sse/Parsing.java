package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Parses test input in one chunk, in single bytes and split at every position. */
final class Parsing {
  /** Inputs up to this length are also split at every pair of positions (three chunks). */
  private static final int MAX_LENGTH_FOR_THREE_CHUNKS = 64;

  private Parsing() {}

  /**
   * What a parser reported for one stream: the log of events, comments and retries, its last event
   * id after {@link SseParser#end()}, and the exception that stopped it, if any.
   */
  record Outcome(List<Object> log, String lastEventId, @Nullable String failure) {
    List<MessageEvent> events() {
      return log.stream()
          .filter(MessageEvent.class::isInstance)
          .map(MessageEvent.class::cast)
          .collect(java.util.stream.Collectors.toList());
    }

    List<String> comments() {
      return log.stream()
          .filter(Recording.Comment.class::isInstance)
          .map(c -> ((Recording.Comment) c).text())
          .collect(java.util.stream.Collectors.toList());
    }

    List<Long> retries() {
      return log.stream()
          .filter(Recording.Retry.class::isInstance)
          .map(r -> ((Recording.Retry) r).millis())
          .collect(java.util.stream.Collectors.toList());
    }
  }

  static Outcome parseEveryWay(String input) {
    return parseEveryWay(Bytes.utf8(input), UnaryOperator.identity());
  }

  static Outcome parseEveryWay(byte[] input) {
    return parseEveryWay(input, UnaryOperator.identity());
  }

  /**
   * Parses the input in every chunking and checks that all agree; returns the outcome of parsing it
   * in one chunk.
   */
  static Outcome parseEveryWay(byte[] input, UnaryOperator<SseParser.Builder> config) {
    Outcome whole = parse(input, config, List.of(input.length));
    List<List<Integer>> chunkings = chunkings(input.length);
    for (List<Integer> sizes : chunkings) {
      assertThat(parse(input, config, sizes))
          .as("input %s in chunks of %s bytes", Arrays.toString(input), sizes)
          .isEqualTo(whole);
    }
    assertThat(chunkings).hasSizeGreaterThan(input.length);
    return whole;
  }

  /** Feeds the input in chunks of the given sizes, then ends the stream. */
  static Outcome parse(byte[] input, UnaryOperator<SseParser.Builder> config, List<Integer> sizes) {
    Recording recording = new Recording();
    SseParser parser = config.apply(SseParser.builder()).build(recording);
    String failure = null;
    try {
      int offset = 0;
      for (int size : sizes) {
        parser.feed(input, offset, size);
        offset += size;
      }
      assertThat(offset).as("chunk sizes cover the input").isEqualTo(input.length);
    } catch (SseParseException e) {
      failure = e.getMessage();
    }
    parser.end();
    return new Outcome(recording.log(), parser.lastEventId(), failure);
  }

  private static List<List<Integer>> chunkings(int length) {
    List<List<Integer>> chunkings = new ArrayList<>();
    chunkings.add(singleBytes(length));
    for (int i = 0; i <= length; i++) {
      chunkings.add(List.of(i, length - i));
    }
    if (length <= MAX_LENGTH_FOR_THREE_CHUNKS) {
      for (int i = 1; i < length; i++) {
        for (int j = i + 1; j < length; j++) {
          chunkings.add(List.of(i, j - i, length - j));
        }
      }
    }
    return chunkings;
  }

  static List<Integer> singleBytes(int length) {
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      sizes.add(1);
    }
    return sizes;
  }
}
