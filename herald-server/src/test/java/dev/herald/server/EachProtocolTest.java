package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.Protocol;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.server.testing.TestTls;
import dev.herald.sse.MessageEvent;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;

/**
 * The engine's key behaviours over each protocol a client may speak: HTTP/1.1 (cleartext and TLS),
 * HTTP/2 over TLS by ALPN, and cleartext HTTP/2 by {@code Upgrade: h2c}. Each HTTP/2 request is a
 * stream with the same routes, guards, SSE streams and downloads as an HTTP/1.1 request.
 */
class EachProtocolTest {
  private static final Duration TIMEOUT = SseRecorder.TIMEOUT;
  private static final int FILE_SIZE = 200_000;

  @TempDir static Path dir;

  private final Map<String, AtomicInteger> finals = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> subscribed = new ConcurrentHashMap<>();
  private static byte[] content;

  @RegisterExtension final ServerExtension plain = new ServerExtension(this::routes);

  @RegisterExtension
  final ServerExtension tls = new ServerExtension(b -> routes(b.tls(TestTls.TLS)));

  private void routes(HeraldServer.Builder b) {
    b.heartbeat(Duration.ofMillis(200))
        .streamIdleTimeout(Duration.ofSeconds(2))
        // Five events 20 ms apart that wait for demand: Flux.interval would fail the stream if the
        // first refill of demand (after four events) came later than its next tick, which a busy
        // machine can cause; this test is about the protocols, not about timers.
        .sse(
            "/events",
            r -> tracked("events", Flux.range(0, 5).delayElements(Duration.ofMillis(20))))
        .sse("/ticks", r -> tracked("ticks", Flux.interval(Duration.ofMillis(50))))
        .sse("/quiet", r -> tracked("quiet", Flux.never()))
        .sse(
            "/guarded",
            r -> Flux.just("never"),
            r -> {
              throw HttpStatusException.forbidden("no token");
            })
        .get("/file", r -> StreamableFile.of(file()))
        .get("/hello", r -> "hello");
  }

  private Flux<MessageEvent> tracked(String name, Flux<?> source) {
    return source
        .doOnSubscribe(s -> counter(subscribed, name).incrementAndGet())
        .map(i -> MessageEvent.builder().id(name + "-" + i).data("n" + i).build())
        .doFinally(s -> counter(finals, name).incrementAndGet());
  }

  private static AtomicInteger counter(Map<String, AtomicInteger> map, String name) {
    return map.computeIfAbsent(name, k -> new AtomicInteger());
  }

  private static synchronized Path file() {
    Path file = dir.resolve("data.bin");
    if (content == null) {
      content = new byte[FILE_SIZE];
      for (int i = 0; i < FILE_SIZE; i++) {
        content[i] = (byte) (i % 251);
      }
      try {
        Files.write(file, content);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return file;
  }

  private ServerExtension server(Protocol protocol) {
    return protocol.tls() ? tls : plain;
  }

  private SseRecorder open(Protocol protocol, String path) {
    return SseRecorder.open(protocol.client(), protocol.uri(server(protocol).port(), path));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void streamsEventsWithTheEventStreamHead(Protocol protocol) throws Exception {
    try (SseRecorder sse = open(protocol, "/events")) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.head().version()).isEqualTo(protocol.version());
      HttpHeaders headers = sse.headers();
      assertThat(headers.firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
      assertThat(headers.firstValue("cache-control")).hasValue("no-cache, no-transform");
      assertThat(headers.firstValue("content-length")).isEmpty();
      if (protocol.http2()) {
        // Hop-by-hop headers are forbidden in HTTP/2 (RFC 9113 §8.2.2).
        assertThat(headers.map().keySet())
            .doesNotContain("connection", "keep-alive", "transfer-encoding");
      }
      for (int i = 0; i < 5; i++) {
        MessageEvent event = sse.next();
        assertThat(event.id()).isEqualTo("events-" + i);
        assertThat(event.dataString()).isEqualTo("n" + i);
      }
      sse.awaitEnd();
    }
    await().atMost(TIMEOUT).until(() -> counter(finals, "events").get() == 1);
    await().atMost(TIMEOUT).until(() -> server(protocol).server().streamCount() == 0);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void aGuardRefusesBeforeTheStreamOpens(Protocol protocol) throws Exception {
    HttpResponse<String> response =
        protocol
            .client()
            .send(
                HttpRequest.newBuilder(protocol.uri(server(protocol).port(), "/guarded")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(protocol.version());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("no token\n");
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void aClientThatLeavesCancelsItsPublisherOnce(Protocol protocol) throws Exception {
    try (SseRecorder sse = open(protocol, "/ticks")) {
      sse.next();
      sse.next();
      assertThat(server(protocol).server().streamCount()).isEqualTo(1);
    }
    await().atMost(TIMEOUT).until(() -> counter(finals, "ticks").get() == 1);
    await().atMost(TIMEOUT).until(() -> server(protocol).server().streamCount() == 0);
    // The connection (and over HTTP/2 its other streams) keeps serving.
    assertThat(get(protocol, "/hello").body()).isEqualTo("hello");
    assertThat(counter(finals, "ticks").get()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void aQuietStreamGetsHeartbeatsAndEndsWhenIdle(Protocol protocol) throws Exception {
    try (SseRecorder sse = open(protocol, "/quiet")) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.nextComment()).isEqualTo("heartbeat");
      sse.awaitEnd();
      assertThat(sse.eventsReceived()).isZero();
      assertThat(sse.commentsReceived()).isGreaterThanOrEqualTo(2);
    }
    await().atMost(TIMEOUT).until(() -> counter(finals, "quiet").get() == 1);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void downloadsAWholeFileAndARange(Protocol protocol) throws Exception {
    HttpResponse<byte[]> whole = bytes(protocol, "/file");
    assertThat(whole.version()).isEqualTo(protocol.version());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValue("accept-ranges")).hasValue("bytes");
    assertThat(whole.body()).isEqualTo(content);

    HttpResponse<byte[]> range = bytes(protocol, "/file", "Range", "bytes=1000-65999");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("content-range"))
        .hasValue("bytes 1000-65999/" + FILE_SIZE);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 66000));

    HttpResponse<byte[]> suffix = bytes(protocol, "/file", "Range", "bytes=-10");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, FILE_SIZE - 10, FILE_SIZE));

    HttpResponse<byte[]> unsatisfiable = bytes(protocol, "/file", "Range", "bytes=999999-");
    assertThat(unsatisfiable.statusCode()).isEqualTo(416);
    assertThat(unsatisfiable.headers().firstValue("content-range"))
        .hasValue("bytes */" + FILE_SIZE);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void stoppingTheServerSendsEachStreamARetryHint(Protocol protocol) throws Exception {
    try (SseRecorder first = open(protocol, "/ticks");
        SseRecorder second = open(protocol, "/ticks")) {
      first.next();
      second.next();
      server(protocol).server().stop(Duration.ofSeconds(10));
      for (SseRecorder sse : new SseRecorder[] {first, second}) {
        assertThat(sse.nextRetry()).isBetween(1_000L, 5_000L);
        sse.awaitEnd();
      }
    }
    assertThat(counter(finals, "ticks").get()).isEqualTo(2);
  }

  private HttpResponse<String> get(Protocol protocol, String path) throws Exception {
    return protocol
        .client()
        .send(
            HttpRequest.newBuilder(protocol.uri(server(protocol).port(), path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> bytes(Protocol protocol, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(protocol.uri(server(protocol).port(), path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return protocol.client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
