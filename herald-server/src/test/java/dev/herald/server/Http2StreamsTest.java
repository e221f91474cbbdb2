package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.H2Client;
import dev.herald.server.testing.Protocol;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.server.testing.TestTls;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Many SSE streams on one HTTP/2 connection: each gets its events, a reset ends only its own
 * publisher, and flow control and the byte bound act per stream.
 */
class Http2StreamsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int STREAMS = 100;
  private static final int BOUND = 64 * 1024;
  private static final String KIB = "x".repeat(1024);

  private final Map<String, AtomicInteger> finals = new ConcurrentHashMap<>();
  private final AtomicLong emitted = new AtomicLong();
  private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor();

  @RegisterExtension final ServerExtension plain = new ServerExtension(this::routes);

  @RegisterExtension
  final ServerExtension tls = new ServerExtension(b -> routes(b.tls(TestTls.TLS)));

  private void routes(HeraldServer.Builder b) {
    b.maxBufferedBytes(BOUND)
        .get("/hello", r -> "hello")
        .sse(
            "/ticks/:id",
            r -> {
              String id = r.pathParam("id");
              // Buffered: a hundred streams opening at once on a busy machine may be slow to ask.
              return Flux.interval(Duration.ofMillis(100))
                  .onBackpressureBuffer(256)
                  .map(i -> id + ":" + i)
                  .doFinally(s -> counter(id).incrementAndGet());
            })
        // Respects demand: emits only what the stream requests.
        .sse(
            "/polite",
            r ->
                Flux.<String, Long>generate(
                        () -> 0L,
                        (i, sink) -> {
                          emitted.incrementAndGet();
                          sink.next(i + " " + KIB);
                          return i + 1;
                        })
                    .doFinally(s -> counter("polite").incrementAndGet()))
        // Ignores demand: pushes a KiB every millisecond whatever was requested.
        .sse(
            "/flood",
            r ->
                Flux.<String>create(
                        sink -> {
                          var task =
                              pusher.scheduleAtFixedRate(
                                  () -> sink.next(KIB), 0, 1, TimeUnit.MILLISECONDS);
                          sink.onDispose(() -> task.cancel(false));
                        },
                        FluxSink.OverflowStrategy.IGNORE)
                    .doFinally(s -> counter("flood").incrementAndGet()));
  }

  @AfterEach
  void stopPusher() {
    pusher.shutdownNow();
  }

  private AtomicInteger counter(String id) {
    return finals.computeIfAbsent(id, k -> new AtomicInteger());
  }

  @Test
  void aHundredStreamsShareOneTlsConnectionAndAResetEndsOnlyItsOwn() throws Exception {
    HttpClient client = Protocol.H2.newClient();
    // One request first, so that the streams find the connection open and all share it.
    HttpResponse<String> hello =
        client.send(
            HttpRequest.newBuilder(Protocol.H2.uri(tls.port(), "/hello")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(hello.version()).isEqualTo(HttpClient.Version.HTTP_2);
    List<SseRecorder> streams = new ArrayList<>();
    try {
      for (int i = 0; i < STREAMS; i++) {
        streams.add(SseRecorder.open(client, Protocol.H2.uri(tls.port(), "/ticks/" + i)));
      }
      for (int i = 0; i < STREAMS; i++) {
        assertThat(streams.get(i).head().version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(streams.get(i).next(TIMEOUT).dataString()).isEqualTo(i + ":0");
      }
      assertThat(tls.server().connectionCount()).isEqualTo(1);
      await().atMost(TIMEOUT).until(() -> tls.server().streamCount() == STREAMS);

      streams.get(42).close(); // cancels the body: RST_STREAM for that stream only
      await().atMost(TIMEOUT).until(() -> counter("42").get() == 1);
      int before = streams.get(7).eventsReceived();
      for (int i = 0; i < STREAMS; i++) {
        if (i != 42) {
          SseRecorder sse = streams.get(i);
          int seen = sse.eventsReceived();
          await().atMost(TIMEOUT).until(() -> sse.eventsReceived() >= seen + 2);
        }
      }
      assertThat(streams.get(7).eventsReceived()).isGreaterThan(before);
      assertThat(finals.keySet()).containsExactly("42");
      assertThat(tls.server().connectionCount()).isEqualTo(1);
      assertThat(tls.server().streamCount()).isEqualTo(STREAMS - 1);
    } finally {
      streams.forEach(SseRecorder::close);
    }
    await().atMost(TIMEOUT).until(() -> finals.size() == STREAMS);
    assertThat(finals.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
  }

  @Test
  void aHundredStreamsByPriorKnowledgeAndAResetEndsOnlyItsOwn() throws Exception {
    try (H2Client client = H2Client.connect(plain.port())) {
      List<H2Client.Stream> streams = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        streams.add(client.get("/ticks/" + i, true));
      }
      for (int i = 0; i < STREAMS; i++) {
        H2Client.Stream stream = streams.get(i);
        assertThat(stream.head(TIMEOUT).status().toString()).isEqualTo("200");
        assertThat(stream.head(TIMEOUT).contains("connection")).isFalse();
        String first = "data: " + i + ":0\n\n";
        await().atMost(TIMEOUT).until(() -> stream.body().contains(first));
      }
      assertThat(plain.server().connectionCount()).isEqualTo(1);

      streams.get(3).cancel();
      await().atMost(TIMEOUT).until(() -> counter("3").get() == 1);
      for (int i = 0; i < STREAMS; i++) {
        if (i != 3) {
          String later = "data: " + i + ":3\n\n";
          H2Client.Stream stream = streams.get(i);
          await().atMost(TIMEOUT).until(() -> stream.body().contains(later));
        }
      }
      assertThat(finals.keySet()).containsExactly("3");
    }
    await().atMost(TIMEOUT).until(() -> finals.size() == STREAMS);
  }

  @Test
  void aStreamThatDoesNotReadStopsItsPublisherWithoutACut() throws Exception {
    try (H2Client client = H2Client.connect(plain.port(), 1024)) {
      H2Client.Stream stuck = client.get("/polite", false);
      H2Client.Stream reading = client.get("/ticks/reader", true);
      // The stuck stream's window is 1 KiB; demand follows its child channel's writability.
      long settled = settle(emitted::get);
      assertThat(settled).as("events produced for a stream that reads nothing").isLessThan(200);
      assertThat(stuck.ended()).isNotDone();
      assertThat(plain.server().streamCount()).isEqualTo(2);
      await().atMost(TIMEOUT).until(() -> reading.body().contains("data: reader:5\n\n"));
      assertThat(finals).doesNotContainKey("polite");
    }
    await().atMost(TIMEOUT).until(() -> counter("polite").get() == 1);
  }

  @Test
  void aPublisherThatIgnoresDemandIsCutOnItsStreamAlone() throws Exception {
    try (H2Client client = H2Client.connect(plain.port(), 1024)) {
      H2Client.Stream flood = client.get("/flood", false);
      H2Client.Stream reading = client.get("/ticks/reader", true);
      await().atMost(TIMEOUT).until(() -> counter("flood").get() == 1);
      flood.startReading();
      // The server reset this stream (the client never read, so only the stream could end it).
      flood.ended().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      // What it sent fit the 1 KiB window: the rest waited on the server, up to the bound.
      assertThat(flood.dataBytes()).isLessThanOrEqualTo(1024);
      await().atMost(TIMEOUT).until(() -> reading.body().contains("data: reader:3\n\n"));
      assertThat(reading.ended()).isNotDone();
      assertThat(plain.server().connectionCount()).isEqualTo(1);
      assertThat(finals).doesNotContainKey("reader");
    }
  }

  /** Waits until the value stays the same for half a second, and returns it. */
  private static long settle(java.util.function.LongSupplier value) {
    AtomicLong last = new AtomicLong(-1);
    AtomicLong since = new AtomicLong(System.nanoTime());
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              long now = value.getAsLong();
              if (now != last.getAndSet(now)) {
                since.set(System.nanoTime());
                return false;
              }
              return System.nanoTime() - since.get() > TimeUnit.MILLISECONDS.toNanos(500);
            });
    return last.get();
  }
}
