package dev.herald.benchmarks;

import dev.herald.sse.SseListener;
import dev.herald.sse.SseParser;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Measures {@link SseParser} reading a stream of about 1 MiB ({@value #EVENTS} events of {@value
 * #DATA_LENGTH} bytes of data, {@code data: ...\n\n}, 108 bytes each) fed in chunks of {@value
 * #CHUNK} bytes, against a naive parser built on {@link BufferedReader#readLine()} over the same
 * bytes. One operation is one event, so the score is events per second. Both parsers are checked to
 * produce the same number of events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ParserBenchmark {
  /** Events in the stream: 1 MiB divided by 108-byte frames. */
  static final int EVENTS = 9_709;

  /** Bytes of data per event. */
  static final int DATA_LENGTH = 100;

  /** Bytes per {@code feed} call, and the naive reader's buffer size. */
  static final int CHUNK = 8192;

  private byte[] stream;

  /** Builds the stream and checks that both parsers read every event. */
  @Setup
  public void setUp() {
    StringBuilder b = new StringBuilder(EVENTS * (DATA_LENGTH + 8));
    for (int i = 0; i < EVENTS; i++) {
      b.append("data: ").append(Payloads.line(DATA_LENGTH, i)).append("\n\n");
    }
    stream = b.toString().getBytes(StandardCharsets.UTF_8);
    int[] herald = new int[1];
    parse(stream, event -> herald[0]++);
    int[] naive = new int[1];
    NaiveParser.parse(stream, event -> naive[0]++);
    if (herald[0] != EVENTS || naive[0] != EVENTS) {
      throw new IllegalStateException(
          "expected " + EVENTS + " events, herald read " + herald[0] + ", naive " + naive[0]);
    }
  }

  /** Parses the stream with Herald's parser. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void herald(Blackhole blackhole) {
    parse(stream, blackhole::consume);
  }

  /** Baseline: parses the stream with the naive {@code readLine()} parser. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void baselineReadLine(Blackhole blackhole) {
    NaiveParser.parse(stream, blackhole::consume);
  }

  private static void parse(byte[] stream, SseListener listener) {
    SseParser parser = SseParser.builder().build(listener);
    for (int offset = 0; offset < stream.length; offset += CHUNK) {
      parser.feed(stream, offset, Math.min(CHUNK, stream.length - offset));
    }
    parser.end();
  }

  /** An event as the naive parser reports it. */
  record NaiveEvent(String data, @Nullable String id, @Nullable String type) {}

  /** Receives the naive parser's events. */
  interface NaiveListener {
    void onEvent(NaiveEvent event);
  }

  /**
   * The usual hand-written parser: {@code readLine()}, {@code indexOf(':')} and {@code substring}.
   * Handles {@code data}, {@code id}, {@code event} and comments; no limits, no BOM.
   */
  static final class NaiveParser {
    private NaiveParser() {}

    static void parse(byte[] stream, NaiveListener listener) {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(new ByteArrayInputStream(stream), StandardCharsets.UTF_8),
              CHUNK)) {
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        String id = null;
        String type = null;
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            if (hasData) {
              listener.onEvent(new NaiveEvent(data.toString(), id, type));
            }
            data.setLength(0);
            hasData = false;
            type = null;
            continue;
          }
          if (line.startsWith(":")) {
            continue;
          }
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1);
          if (value.startsWith(" ")) {
            value = value.substring(1);
          }
          switch (field) {
            case "data":
              if (hasData) {
                data.append('\n');
              }
              data.append(value);
              hasData = true;
              break;
            case "id":
              id = value;
              break;
            case "event":
              type = value;
              break;
            default:
              break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
