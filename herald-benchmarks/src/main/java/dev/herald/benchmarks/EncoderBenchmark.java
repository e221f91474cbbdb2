package dev.herald.benchmarks;

import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures {@link SseEncoder#encode(MessageEvent)}, one event to UTF-8 bytes, against a naive
 * encoder written with {@link String#split(String)}, {@link String#format} and concatenation.
 *
 * <p>Shapes: {@code SINGLE_LINE_100B} (100 bytes of data on one line), {@code MULTI_LINE_1KB}
 * (1,023 bytes of data on 16 lines) and {@code ID_AND_TYPE} (the 100-byte line with an {@code id}
 * and an {@code event} field, as the hub sends). Both encoders are checked to produce the same
 * bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EncoderBenchmark {
  /** The event shape; see the class comment. */
  @Param({"SINGLE_LINE_100B", "MULTI_LINE_1KB", "ID_AND_TYPE"})
  public String shape;

  private final SseEncoder encoder = SseEncoder.create();
  private MessageEvent event;

  /** Builds the event and checks that both encoders agree on it. */
  @Setup
  public void setUp() {
    event = event(shape);
    byte[] herald = encoder.encode(event);
    byte[] naive = NaiveEncoder.encode(event);
    if (!Arrays.equals(herald, naive)) {
      throw new IllegalStateException(
          "encoders disagree:\n"
              + new String(herald, StandardCharsets.UTF_8)
              + "---\n"
              + new String(naive, StandardCharsets.UTF_8));
    }
  }

  /** Encodes with Herald's encoder. */
  @Benchmark
  public byte[] herald() {
    return encoder.encode(event);
  }

  /** Baseline: encodes with the naive encoder. */
  @Benchmark
  public byte[] baselineNaive() {
    return NaiveEncoder.encode(event);
  }

  static MessageEvent event(String shape) {
    switch (shape) {
      case "SINGLE_LINE_100B":
        return MessageEvent.of(Payloads.line(100, 0));
      case "MULTI_LINE_1KB":
        return MessageEvent.of(Payloads.lines(16, 63));
      case "ID_AND_TYPE":
        return MessageEvent.builder()
            .id("urn:uuid:5b7c8e3a-41d2-4c7e-9d0f-8a1b2c3d4e5f")
            .type("book.updated")
            .data(Payloads.line(100, 0))
            .build();
      default:
        throw new IllegalArgumentException("shape: " + shape);
    }
  }

  /** What one writes without thinking about it: a regex split, format and concatenation. */
  static final class NaiveEncoder {
    private NaiveEncoder() {}

    static byte[] encode(MessageEvent event) {
      StringBuilder out = new StringBuilder();
      if (event.id() != null) {
        out.append(String.format("id: %s\n", event.id()));
      }
      if (event.type() != null) {
        out.append(String.format("event: %s\n", event.type()));
      }
      for (String line : event.dataString().split("\r\n|\r|\n", -1)) {
        out.append("data: " + line + "\n");
      }
      out.append("\n");
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
