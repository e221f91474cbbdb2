package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.MessageEvent;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The web-platform-tests {@code eventsource/format-*} vectors (the data of herald-sse's {@code
 * WptFormatVectorsTest}), this time through a real socket and the whole client: each connection's
 * body is written in one chunk, in single bytes, or in random chunks, over HTTP/1.1 and HTTP/2, and
 * the client reconnects by itself, with the {@code Last-Event-ID} the WPT server scripts echo.
 */
class WptFormatOverSocketTest {
  private static final String LONG = "x".repeat(2 * 1024);

  record Expected(String type, String data, String lastEventId) {
    static Expected message(String data) {
      return new Expected(MessageEvent.DEFAULT_TYPE, data, "");
    }

    static Expected message(String data, String lastEventId) {
      return new Expected(MessageEvent.DEFAULT_TYPE, data, lastEventId);
    }
  }

  /** A WPT test: the body its server script sends for a Last-Event-ID, how many connections. */
  record Vector(
      String name,
      Function<String, String> server,
      int connections,
      List<Expected> events,
      List<Long> retries) {
    @Override
    public String toString() {
      return name;
    }
  }

  enum Chunking {
    ONE_CHUNK,
    SINGLE_BYTES,
    RANDOM_CHUNKS;

    List<Integer> sizes(int length, Random random) {
      List<Integer> sizes = new ArrayList<>();
      switch (this) {
        case ONE_CHUNK:
          sizes.add(length);
          break;
        case SINGLE_BYTES:
          for (int i = 0; i < length; i++) {
            sizes.add(1);
          }
          break;
        default:
          int left = length;
          while (left > 0) {
            int size = Math.min(left, 1 + random.nextInt(16));
            sizes.add(size);
            left -= size;
          }
      }
      return sizes;
    }
  }

  static Stream<Vector> vectors() {
    List<Vector> vectors = new ArrayList<>();
    vectors.add(
        messagePy(
            "format-bom",
            "\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3",
            false,
            List.of(Expected.message("1"), Expected.message("3"))));
    vectors.add(
        messagePy(
            "format-bom-2",
            "\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3",
            false,
            List.of(Expected.message("2"), Expected.message("3"))));
    vectors.add(
        messagePy(
            "format-comments",
            "data:1\r:\0\n:\r\ndata:2\n:" + LONG + "\rdata:3\n:data:fail\r:" + LONG + "\ndata:4\n",
            true,
            List.of(Expected.message("1\n2\n3\n4"))));
    vectors.add(
        new Vector(
            "format-data-before-final-empty-line",
            lastEventId -> "retry:1000\ndata:test1\n\nid:test\ndata:test2" + "\n",
            2,
            List.of(Expected.message("test1"), Expected.message("test1")),
            List.of(1000L, 1000L)));
    vectors.add(
        messagePy(
            "format-field-data",
            "data:\n\ndata\ndata\n\ndata:test",
            false,
            List.of(Expected.message(""), Expected.message("\n"), Expected.message("test"))));
    vectors.add(
        messagePy(
            "format-field-event",
            "event:test\ndata:x\n\ndata:x",
            false,
            List.of(new Expected("test", "x", ""), Expected.message("x"))));
    vectors.add(
        messagePy(
            "format-field-event-empty",
            "event: \ndata:data",
            false,
            List.of(Expected.message("data"))));
    vectors.add(
        new Vector(
            "format-field-id",
            lastEventIdPy("\u2026"),
            2,
            List.of(Expected.message("hello", "\u2026"), Expected.message("\u2026", "\u2026")),
            List.of(200L)));
    vectors.add(
        new Vector(
            "format-field-id-2",
            lastEventIdPy("\u2026"),
            3,
            List.of(
                Expected.message("hello", "\u2026"),
                Expected.message("\u2026", "\u2026"),
                Expected.message("\u2026", "\u2026")),
            List.of(200L)));
    for (String idValue : List.of("\0\0", "x\0", "\0x", "x\0x", " \0")) {
      vectors.add(
          new Vector(
              "format-field-id-null " + idValue.replace("\0", "\\0"),
              lastEventIdPy(idValue),
              2,
              List.of(Expected.message("hello"), Expected.message("hello")),
              List.of(200L, 200L)));
    }
    vectors.add(
        new Vector(
            "format-field-id-3 persists",
            lastEventId -> "id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata:3\n\ndata:4\n\n",
            1,
            List.of(
                Expected.message("1", "1"),
                Expected.message("2", "1"),
                Expected.message("3", "2"),
                Expected.message("4", "2")),
            List.of()));
    vectors.add(
        new Vector(
            "format-field-id-3 resets",
            lastEventId -> "id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n",
            1,
            List.of(Expected.message("1", "1"), Expected.message("2"), Expected.message("3")),
            List.of()));
    vectors.add(
        new Vector(
            "format-field-id-3 resets without colon",
            lastEventId -> "id: 1\ndata: 1\n\nid\ndata:2\n\ndata:3\n\n",
            1,
            List.of(Expected.message("1", "1"), Expected.message("2"), Expected.message("3")),
            List.of()));
    vectors.add(
        messagePy(
            "format-field-parsing",
            "data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n"
                + " data:32\ndata:4\n",
            true,
            List.of(Expected.message("\0\n 2\n1\n3\n\n4"))));
    vectors.add(retryVector("format-field-retry", "retry:03000\ndata:x", List.of(3000L)));
    vectors.add(
        retryVector("format-field-retry-bogus", "retry:3000\nretry:1000x\ndata:x", List.of(3000L)));
    vectors.add(
        messagePy(
            "format-field-retry-empty",
            "retry\ndata:test",
            false,
            List.of(Expected.message("test"))));
    vectors.add(
        messagePy(
            "format-field-unknown",
            "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test",
            false,
            List.of(Expected.message("test\n\ntest"))));
    vectors.add(
        messagePy(
            "format-leading-space",
            "data:\ttest\rdata: \ndata:test",
            false,
            List.of(Expected.message("\ttest\n\ntest"))));
    vectors.add(
        messagePy(
            "format-newlines",
            "data:test\r\ndata\ndata:test\r\n\r",
            true,
            List.of(Expected.message("test\n\ntest"))));
    vectors.add(
        messagePy("format-null-character", "data:\0\n\n", false, List.of(Expected.message("\0"))));
    vectors.add(
        messagePy("format-utf-8", "data:ok\u2026", false, List.of(Expected.message("ok\u2026"))));
    return vectors.stream();
  }

  static Stream<Arguments> cases() {
    return vectors()
        .flatMap(
            v ->
                Stream.of(Chunking.values())
                    .flatMap(
                        c ->
                            Stream.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)
                                .filter(version -> sendable(v, version))
                                .map(version -> Arguments.of(v, c, version))));
  }

  /**
   * The JDK client writes HTTP/1.1 header values as US-ASCII, so the id U+2026 of {@code
   * format-field-id} can only be sent over HTTP/2; over HTTP/1.1 the client fails instead (see
   * {@code ReconnectionTest.nonAsciiLastEventIdOverHttp1FailsInsteadOfSendingQuestionMarks}).
   */
  private static boolean sendable(Vector vector, HttpClient.Version version) {
    return version == HttpClient.Version.HTTP_2
        || !(vector.name().equals("format-field-id") || vector.name().equals("format-field-id-2"));
  }

  private static Vector messagePy(
      String name, String message, boolean newlineNone, List<Expected> events) {
    String body = message + (newlineNone ? "" : "\n\n") + "\n";
    return new Vector(name, lastEventId -> body, 1, events, List.of());
  }

  private static Vector retryVector(String name, String message, List<Long> retries) {
    String body = message + "\n\n" + "\n";
    return new Vector(name, lastEventId -> body, 1, List.of(Expected.message("x")), retries);
  }

  private static Function<String, String> lastEventIdPy(String idValue) {
    return lastEventId ->
        lastEventId.isEmpty()
            ? "id: " + idValue + "\nretry: 200\ndata: hello\n\n"
            : "data: " + lastEventId + "\n\n";
  }

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @MethodSource("cases")
  void clientDispatchesWhatWptExpects(Vector vector, Chunking chunking, HttpClient.Version version)
      throws Exception {
    Random random = new Random(vector.name().hashCode() * 31L + chunking.ordinal());
    try (ScriptServer server =
        ScriptServer.start(
            exchange -> {
              String lastEventId = Objects.requireNonNullElse(exchange.header("Last-Event-ID"), "");
              byte[] body = vector.server().apply(lastEventId).getBytes(StandardCharsets.UTF_8);
              exchange.stream().sendInChunks(body, chunking.sizes(body.length, random)).end();
            })) {
      List<Expected> events = new CopyOnWriteArrayList<>();
      CompletableFuture<Long> done = new CompletableFuture<>();
      EventSource source =
          EventSource.builder(server.uri("/wpt"))
              .version(version)
              .reconnectTime(Duration.ofMillis(10))
              .backoffResetThreshold(Duration.ZERO)
              .build();
      int[] streamsEnded = {0};
      source
          .onMessage(
              e ->
                  events.add(
                      new Expected(
                          Objects.requireNonNullElse(e.type(), MessageEvent.DEFAULT_TYPE),
                          e.dataString(),
                          Objects.requireNonNullElse(e.id(), ""))))
          .onError(
              error -> {
                // Each body's end is an error event; after the last one, stop as WPT does.
                if (++streamsEnded[0] == vector.connections()) {
                  done.complete(source.reconnectTime().toMillis());
                  source.close();
                }
              });
      source.start();
      long reconnectTime = done.get(20, TimeUnit.SECONDS);

      assertThat(events).as("events of %s", vector).isEqualTo(vector.events());
      long expectedRetry =
          vector.retries().isEmpty() ? 10 : vector.retries().get(vector.retries().size() - 1);
      assertThat(reconnectTime).isEqualTo(expectedRetry);
      assertThat(server.exchanges()).hasSize(vector.connections());
      assertThat(server.exchanges().stream().map(x -> x.version).collect(Collectors.toSet()))
          .containsExactly(version == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
    }
  }
}
