package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.HttpReader.RawResponse;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Every way an SSE stream can end, and what must hold after each: the publisher's cleanup ran
 * exactly once, the server's stream count is back, and the other streams did not notice.
 */
class StreamLifecycleTest {
  private static final Duration TIMEOUT = SseRecorder.TIMEOUT;

  /** How long a count must stay put to count as settled. */
  private static final Duration SETTLE = Duration.ofMillis(700);

  private final Map<String, AtomicInteger> finals = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> cancels = new ConcurrentHashMap<>();
  private final Sinks.Many<String> hot = Sinks.many().multicast().directBestEffort();
  private final AtomicReference<Sinks.Many<String>> gate = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<Object>> late = new AtomicReference<>();

  @RegisterExtension final ServerExtension server = new ServerExtension(this::routes);

  private void routes(HeraldServer.Builder b) {
    b.sse("/ticks", r -> Flux.interval(Duration.ofMillis(50)).map(i -> "tick " + i))
        .sse(
            "/finite",
            r -> tracked("finite", Flux.interval(Duration.ofMillis(20)).take(3).map(i -> "n" + i)))
        .sse(
            "/failing",
            r ->
                tracked(
                    "failing",
                    Flux.interval(Duration.ofMillis(20))
                        .take(2)
                        .map(i -> "n" + i)
                        .concatWith(Flux.error(new IllegalStateException("db password=hunter2")))))
        .sse(
            "/forever",
            r -> tracked("forever", Flux.interval(Duration.ofMillis(50)).map(i -> "f" + i)))
        .sse("/silent", r -> tracked("silent", Flux.<String>never()))
        .sse("/hot", r -> tracked("hot", hot.asFlux()))
        .sse(
            "/gated",
            r -> {
              Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
              gate.set(sink);
              return sink.asFlux();
            })
        .sse("/empty", r -> tracked("empty", Flux.<String>empty()))
        .sse(
            "/late",
            r -> {
              CompletableFuture<Object> opening = new CompletableFuture<>();
              late.set(opening);
              return opening;
            })
        .get("/hello", r -> "hello");
  }

  private <T> Flux<T> tracked(String name, Flux<T> flux) {
    return flux.doOnCancel(() -> counter(cancels, name).incrementAndGet())
        .doFinally(signal -> counter(finals, name).incrementAndGet());
  }

  @Test
  void whenThePublisherCompletesTheStreamEndsAndItsCleanupRunsOnce() throws Exception {
    try (SseRecorder bystander = openBystander(server.port());
        SseRecorder sse = SseRecorder.open(server.uri("/finite"))) {
      assertThat(sse.next().dataString()).isEqualTo("n0");
      assertThat(sse.next().dataString()).isEqualTo("n1");
      assertThat(sse.next().dataString()).isEqualTo("n2");
      sse.awaitEnd();
      assertThat(sse.eventsReceived()).isEqualTo(3);

      assertCleanedUpOnce("finite", false);
      assertOnlyTheBystanderIsLeft(server.server(), bystander);
    }
    await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 0);
  }

  @Test
  void whenThePublisherFailsTheClientGetsAnErrorFrameAndItsCleanupRunsOnce() throws Exception {
    try (SseRecorder bystander = openBystander(server.port());
        SseRecorder sse = SseRecorder.open(server.uri("/failing"))) {
      assertThat(sse.next().dataString()).isEqualTo("n0");
      assertThat(sse.next().dataString()).isEqualTo("n1");
      MessageEvent error = sse.next();
      assertThat(error.type()).isEqualTo("error");
      assertThat(error.dataString()).doesNotContain("hunter2", "Exception");
      sse.awaitEnd();

      assertCleanedUpOnce("failing", false);
      assertOnlyTheBystanderIsLeft(server.server(), bystander);
    }
    await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 0);
  }

  @ParameterizedTest(name = "{0} after an event of {1}")
  @CsvSource({
    "FIN, /forever",
    "RST, /forever",
    "FIN, /silent",
    "RST, /silent",
    "FIN, /hot",
    "RST, /hot"
  })
  void whenTheClientGoesAwayThePublisherIsCancelledOnce(String how, String path) throws Exception {
    String route = path.substring(1);
    try (SseRecorder bystander = openBystander(server.port());
        RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      assertThat(reader.head().status()).isEqualTo(200);
      if (route.equals("forever")) {
        assertThat(new String(reader.chunk(), StandardCharsets.UTF_8)).startsWith("data: f");
      }
      await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 2);

      if (how.equals("RST")) {
        raw.reset();
      } else {
        raw.socket().close(); // a FIN, as RawHttp.close() does
      }

      assertCleanedUpOnce(route, true);
      assertOnlyTheBystanderIsLeft(server.server(), bystander);
    }
    await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 0);
  }

  @Test
  void aStreamIdleTimeoutEndsASilentStreamEvenWhileHeartbeatsFlow() throws Exception {
    try (HeraldServer idle =
            start(
                b ->
                    routes(
                        b.streamIdleTimeout(Duration.ofMillis(600))
                            .heartbeat(Duration.ofMillis(100))));
        SseRecorder bystander = openBystander(idle.port());
        SseRecorder sse = SseRecorder.open(uri(idle, "/silent"))) {
      assertThat(sse.status()).isEqualTo(200);
      sse.nextComment();

      sse.awaitEnd();
      assertThat(sse.eventsReceived()).isZero();

      assertCleanedUpOnce("silent", true);
      assertOnlyTheBystanderIsLeft(idle, bystander);
    }
  }

  @Test
  void stoppingTheServerEndsEveryStreamAndCancelsEachPublisherOnce() throws Exception {
    try (SseRecorder forever = SseRecorder.open(server.uri("/forever"));
        SseRecorder silent = SseRecorder.open(server.uri("/silent"));
        SseRecorder hotStream = SseRecorder.open(server.uri("/hot"))) {
      forever.next();
      assertThat(silent.status()).isEqualTo(200);
      assertThat(hotStream.status()).isEqualTo(200);
      await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 3);

      long started = System.nanoTime();
      server.server().stop(Duration.ofSeconds(10));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(took).as("stop does not wait for open streams").isLessThan(Duration.ofSeconds(8));
      for (String route : new String[] {"forever", "silent", "hot"}) {
        assertCleanedUpOnce(route, true);
      }
      assertThat(server.server().streamCount()).isZero();
      assertThat(server.server().connectionCount()).isZero();
      for (SseRecorder stream : new SseRecorder[] {forever, silent, hotStream}) {
        assertThat(stream.nextRetry())
            .as("a randomised reconnection hint, so clients do not all return at once")
            .isBetween(1_000L, 5_000L);
        stream.awaitEnd();
      }
    }
  }

  @Test
  void aSilentStreamReceivesHeartbeatComments() throws Exception {
    try (HeraldServer beating = start(b -> routes(b.heartbeat(Duration.ofMillis(300))));
        SseRecorder sse = SseRecorder.open(uri(beating, "/silent"))) {
      assertThat(sse.nextComment()).isNotNull();
      assertThat(sse.nextComment()).isNotNull();
      assertThat(sse.eventsReceived()).isZero();
      assertThat(beating.streamCount()).isEqualTo(1);
      assertThat(sse.isEnded()).isFalse();
    }
  }

  @Test
  void aZeroHeartbeatSendsNoComments() throws Exception {
    try (HeraldServer quiet = start(b -> routes(b.heartbeat(Duration.ZERO)));
        SseRecorder sse = SseRecorder.open(uri(quiet, "/silent"))) {
      assertThat(sse.status()).isEqualTo(200);
      await().atMost(TIMEOUT).until(() -> quiet.streamCount() == 1);

      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> sse.commentsReceived() == 0 && !sse.isEnded());
    }
  }

  @Test
  void theResponseHeadIsFlushedBeforeTheFirstEvent() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/gated"))) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().firstValue("Content-Type"))
          .contains("text/event-stream; charset=utf-8");
      assertThat(gate.get()).isNotNull();
      assertThat(sse.eventsReceived()).isZero();

      gate.get().tryEmitNext("first");

      assertThat(sse.next().dataString()).isEqualTo("first");
    }
  }

  @Test
  void aKeepAliveConnectionServesTheNextRequestAfterAStreamCompletes() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /finite HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse head = reader.head();
      assertThat(head.status()).isEqualTo(200);
      String body = new String(reader.chunkedBody(), StandardCharsets.UTF_8);
      assertThat(body).isEqualTo("data: n0\n\ndata: n1\n\ndata: n2\n\n");

      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse next = reader.response();

      assertThat(next.status()).isEqualTo(200);
      assertThat(next.bodyText()).isEqualTo("hello");
      assertCleanedUpOnce("finite", false);
    }
  }

  @Test
  void requestsPipelinedBehindAStreamAreAnsweredInOrderWhenItEnds() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(
          "GET /finite HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /finite HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");

      for (int i = 0; i < 2; i++) {
        assertThat(reader.head().status()).isEqualTo(200);
        assertThat(new String(reader.chunkedBody(), StandardCharsets.UTF_8))
            .isEqualTo("data: n0\n\ndata: n1\n\ndata: n2\n\n");
        assertThat(reader.response().bodyText()).isEqualTo("hello");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "HTTP/1.1 with Connection: close, GET /finite HTTP/1.1|Host: x|Connection: close",
    "HTTP/1.0, GET /finite HTTP/1.0|Host: x"
  })
  void aStreamThatEndsOnAConnectionNotKeptAliveClosesTheConnection(String what, String request)
      throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(request.replace("|", "\r\n") + "\r\n\r\n");

      String all = reader.until("data: n2\n\n", TIMEOUT);

      assertThat(all).as(what).contains("200", "data: n0", "data: n1", "data: n2");
      assertThat(reader.closedByPeer()).as("the server closes the connection").isTrue();
      assertCleanedUpOnce("finite", false);
      await().atMost(TIMEOUT).until(() -> server.server().connectionCount() == 0);
    }
  }

  @Test
  void anEmptyPublisherAnswersAnEmptyStreamAndLeavesNothingOpen() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/empty"))) {
      assertThat(sse.status()).isEqualTo(200);
      sse.awaitEnd();
      assertThat(sse.eventsReceived()).isZero();
    }
    assertCleanedUpOnce("empty", false);
    await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 0);
  }

  @Test
  void aPublisherThatArrivesAfterTheClientLeftIsCancelledOnce() throws Exception {
    try (SseRecorder bystander = openBystander(server.port())) {
      try (RawHttp raw = new RawHttp(server.port())) {
        raw.send("GET /late HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
        await().atMost(TIMEOUT).until(() -> late.get() != null);
      }
      await().atMost(TIMEOUT).until(() -> server.server().connectionCount() == 1);

      late.get().complete(tracked("late", Flux.interval(Duration.ofMillis(20))));

      assertCleanedUpOnce("late", true);
      assertOnlyTheBystanderIsLeft(server.server(), bystander);
    }
  }

  @Test
  void manyClientsComingAndGoingLeaveNoStreamBehind() throws Exception {
    int clients = 24;
    List<RawHttp> raws = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        RawHttp raw = new RawHttp(server.port());
        raws.add(raw);
        raw.send("GET /ticks HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      }
      await().atMost(TIMEOUT).until(() -> server.server().streamCount() == clients);
      for (int i = 0; i < clients; i++) {
        if (i % 2 == 0) {
          raws.get(i).reset();
        } else {
          raws.get(i).socket().close();
        }
      }
      await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 0);
      await().atMost(TIMEOUT).until(() -> server.server().connectionCount() == 0);
    } finally {
      for (RawHttp raw : raws) {
        raw.socket().close();
      }
    }
  }

  @Test
  void theConnectionIdleTimeoutClosesAnIdleConnectionButNeverAnOpenStream() throws Exception {
    try (HeraldServer strict =
            start(b -> routes(b.idleTimeout(Duration.ofMillis(300)).heartbeat(Duration.ZERO)));
        RawHttp idle = new RawHttp(strict.port());
        SseRecorder silent = SseRecorder.open(uri(strict, "/silent"))) {
      HttpReader reader = new HttpReader(idle.socket());
      idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(reader.response().bodyText()).isEqualTo("hello");
      assertThat(silent.status()).isEqualTo(200);

      assertThat(reader.closedByPeer()).as("the idle keep-alive connection is closed").isTrue();
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !silent.isEnded() && strict.streamCount() == 1);
    }
  }

  // ---- helpers ----

  private static AtomicInteger counter(Map<String, AtomicInteger> counters, String name) {
    return counters.computeIfAbsent(name, n -> new AtomicInteger());
  }

  private int count(Map<String, AtomicInteger> counters, String name) {
    return counter(counters, name).get();
  }

  /** The cleanup ran, and stays at once; with {@code cancelled}, so did the cancel. */
  private void assertCleanedUpOnce(String route, boolean cancelled) {
    await().atMost(TIMEOUT).until(() -> count(finals, route) >= 1);
    await()
        .during(SETTLE)
        .atMost(SETTLE.multipliedBy(4))
        .until(() -> count(finals, route) == 1 && (!cancelled || count(cancels, route) == 1));
  }

  private static SseRecorder openBystander(int port) throws Exception {
    SseRecorder bystander = SseRecorder.open(URI.create("http://127.0.0.1:" + port + "/ticks"));
    assertThat(bystander.next().dataString()).startsWith("tick ");
    return bystander;
  }

  /** The ended stream is gone from the count, and the bystander still receives on time. */
  private static void assertOnlyTheBystanderIsLeft(HeraldServer server, SseRecorder bystander)
      throws Exception {
    await().atMost(TIMEOUT).until(() -> server.streamCount() == 1);
    int before = bystander.eventsReceived();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> bystander.eventsReceived() >= before + 3 || bystander.isEnded());
    assertThat(bystander.isEnded()).as("the bystander's stream ended").isFalse();
  }

  private static HeraldServer start(Consumer<HeraldServer.Builder> configurer) {
    HeraldServer.Builder builder = HeraldServer.builder().host("127.0.0.1").port(0);
    configurer.accept(builder);
    return builder.build().start();
  }

  private static URI uri(HeraldServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
