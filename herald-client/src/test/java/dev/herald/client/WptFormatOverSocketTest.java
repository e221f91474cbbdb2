package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.MessageEvent;
import dev.herald.sse.testing.WptVectors;
import dev.herald.sse.testing.WptVectors.Expected;
import dev.herald.sse.testing.WptVectors.Vector;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The web-platform-tests {@code eventsource/format-*} vectors (herald-sse's {@link WptVectors}, as
 * its {@code WptFormatVectorsTest} feeds them to the parser), this time through a real socket and
 * the whole client: each connection's body is written in one chunk, in single bytes, or in random
 * chunks, over HTTP/1.1 and HTTP/2, and the client reconnects by itself, with the {@code
 * Last-Event-ID} the WPT server scripts echo.
 */
class WptFormatOverSocketTest {
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

  static Stream<Arguments> cases() {
    return WptVectors.all()
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
   * The JDK client writes HTTP/1.1 header values as US-ASCII, so a vector that reconnects after a
   * non-ASCII id (U+2026 in {@code format-field-id}) can only be sent over HTTP/2; over HTTP/1.1
   * the client fails instead (see {@code
   * ReconnectionTest.nonAsciiLastEventIdOverHttp1FailsInsteadOfSendingQuestionMarks}).
   */
  private static boolean sendable(Vector vector, HttpClient.Version version) {
    return version == HttpClient.Version.HTTP_2
        || vector.connections() == 1
        || StandardCharsets.US_ASCII.newEncoder().canEncode(vector.server().apply(""));
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
