package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseParser;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Slow and absent readers: the server produces no faster than the socket drains, cuts a publisher
 * that ignores demand before it fills memory, and never lets one client slow the others down.
 */
class BackpressureTest {
  private static final Duration TIMEOUT = SseRecorder.TIMEOUT;
  private static final int EVENT_SIZE = 10 * 1024;

  /** 10,000 events of 10 KiB: about 100 MB, far more than any bound should let through. */
  private static final int AVAILABLE = 10_000;

  private static final String PAYLOAD = "p".repeat(EVENT_SIZE);
  private static final long MIB = 1024 * 1024;

  private final AtomicInteger bulkEmitted = new AtomicInteger();
  private final AtomicInteger bulkFinals = new AtomicInteger();
  private final AtomicReference<FloodPublisher> flood = new AtomicReference<>();

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.sse("/ticks", r -> Flux.interval(Duration.ofMillis(50)).map(i -> "tick " + i))
                  .sse(
                      "/bulk",
                      r ->
                          Flux.range(0, AVAILABLE)
                              .map(
                                  i -> {
                                    bulkEmitted.incrementAndGet();
                                    return PAYLOAD;
                                  })
                              .doFinally(s -> bulkFinals.incrementAndGet()))
                  .sse(
                      "/flood",
                      r -> {
                        FloodPublisher publisher = new FloodPublisher(AVAILABLE);
                        flood.set(publisher);
                        return publisher;
                      }));

  @Test
  void aClientThatNeverReadsDoesNotMakeADemandRespectingPublisherProduceWithoutBound()
      throws Exception {
    try (SseRecorder bystander = openBystander(server.port());
        RawHttp hog = new RawHttp(server.port())) {
      hog.send("GET /bulk HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      await().atMost(TIMEOUT).until(() -> bulkEmitted.get() > 0);
      int ticksBefore = bystander.eventsReceived();

      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(6))
          .until(() -> bulkEmitted.get() < 1_000);

      assertThat(bulkEmitted.get()).as("elements emitted out of %s", AVAILABLE).isLessThan(1_000);
      assertThat(bystander.eventsReceived() - ticksBefore)
          .as("ticks (every 50 ms) the bystander received in the same 2+ seconds")
          .isGreaterThanOrEqualTo(10);
      assertThat(bystander.isEnded()).isFalse();
    }
    await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 0);
    await().atMost(TIMEOUT).until(() -> bulkFinals.get() == 1);
  }

  @Test
  void aPublisherThatIgnoresDemandIsCutBeforeItFillsTheMemory() throws Exception {
    try (SseRecorder bystander = openBystander(server.port());
        RawHttp hog = new RawHttp(server.port())) {
      long heapBefore = usedHeapAfterGc();
      long directBefore = usedDirectMemory();

      hog.send("GET /flood HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      await().atMost(TIMEOUT).until(() -> flood.get() != null);
      FloodPublisher publisher = flood.get();
      await().atMost(TIMEOUT).until(() -> publisher.cancelled.get() || publisher.finished.get());

      assertThat(publisher.cancelled).as("the publisher saw cancel").isTrue();
      assertThat(publisher.emitted.get())
          .as("elements pushed before the cut, out of %s", AVAILABLE)
          .isLessThan(AVAILABLE / 2);
      await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 1);
      long heapGrowth = usedHeapAfterGc() - heapBefore;
      long directGrowth = usedDirectMemory() - directBefore;
      assertThat(heapGrowth).as("heap growth in bytes").isLessThan(64 * MIB);
      assertThat(directGrowth).as("direct memory growth in bytes").isLessThan(64 * MIB);
      int ticksBefore = bystander.eventsReceived();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> bystander.eventsReceived() >= ticksBefore + 3);
      assertThat(bystander.isEnded()).isFalse();
    }
    await().atMost(TIMEOUT).until(() -> server.server().streamCount() == 0);
  }

  @Test
  void aSlowButSteadyReaderReceivesEveryEventWithoutBeingCut() throws Exception {
    // 10 MB: more than the kernel buffers on both ends hold, so the server's own buffer fills.
    int events = 1_000;
    AtomicInteger finals = new AtomicInteger();
    try (HeraldServer small =
        start(
            b ->
                b.maxBufferedBytes(64 * 1024)
                    .sse(
                        "/bulk",
                        r ->
                            Flux.range(0, events)
                                .map(
                                    i ->
                                        MessageEvent.builder()
                                            .id(String.valueOf(i))
                                            .data(PAYLOAD)
                                            .build())
                                .doFinally(s -> finals.incrementAndGet())))) {
      List<MessageEvent> received = readSlowly(small.port(), "/bulk");

      assertThat(received).hasSize(events);
      assertThat(received.get(events - 1).id()).isEqualTo(String.valueOf(events - 1));
      assertThat(received).allMatch(e -> e.dataString().length() == EVENT_SIZE);
      await().atMost(TIMEOUT).until(() -> small.streamCount() == 0 && finals.get() == 1);
    }
  }

  @Test
  void aPublisherWhoseFirstEventComesLaterIsNotCutWhileTheClientKeepsUp() throws Exception {
    int events = 200;
    CompletableFuture<String> firstReady = new CompletableFuture<>();
    try (HeraldServer small =
            start(
                b ->
                    b.maxBufferedBytes(64 * 1024)
                        .sse(
                            "/bulk",
                            r ->
                                // Demand-respecting: a lookup, then the rows as they are asked for.
                                Mono.fromFuture(firstReady)
                                    .thenMany(Flux.range(0, events))
                                    .map(
                                        i ->
                                            MessageEvent.builder()
                                                .id(String.valueOf(i))
                                                .data(PAYLOAD)
                                                .build())));
        SseRecorder sse =
            SseRecorder.open(URI.create("http://127.0.0.1:" + small.port() + "/bulk"))) {
      assertThat(sse.status()).isEqualTo(200);
      firstReady.complete("go");

      await().atMost(TIMEOUT).until(() -> sse.eventsReceived() >= events || sse.isEnded());
      assertThat(sse.eventsReceived())
          .as("events received before the body ended")
          .isEqualTo(events);
      for (int i = 0; i < events; i++) {
        assertThat(sse.next().id()).isEqualTo(String.valueOf(i));
      }
      sse.awaitEnd();
    }
  }

  // ---- helpers ----

  /** A publisher that pushes events in a loop on its own thread whatever was requested. */
  static final class FloodPublisher implements Flow.Publisher<String> {
    private final int count;
    final AtomicInteger emitted = new AtomicInteger();
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicBoolean finished = new AtomicBoolean();

    FloodPublisher(int count) {
      this.count = count;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              requested.addAndGet(n);
            }

            @Override
            public void cancel() {
              cancelled.set(true);
            }
          });
      Thread thread =
          new Thread(
              () -> {
                char[] chars = new char[EVENT_SIZE];
                Arrays.fill(chars, 'f');
                for (int i = 0; i < count && !cancelled.get(); i++) {
                  subscriber.onNext(new String(chars));
                  emitted.incrementAndGet();
                }
                if (!cancelled.get()) {
                  subscriber.onComplete();
                }
                finished.set(true);
              },
              "flood-publisher");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Reads an SSE response at about 3 MB/s (16 KiB every 5 ms) through a socket with a small receive
   * buffer, to its end; returns the events.
   */
  private static List<MessageEvent> readSlowly(int port, String path) throws Exception {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    Semaphore tokens = new Semaphore(0);
    ticker.scheduleAtFixedRate(
        () -> {
          if (tokens.availablePermits() < 2) {
            tokens.release();
          }
        },
        5,
        5,
        TimeUnit.MILLISECONDS);
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      InputStream in = socket.getInputStream();
      InputStream throttled =
          new InputStream() {
            @Override
            public int read() throws IOException {
              byte[] one = new byte[1];
              return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              try {
                if (!tokens.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                  throw new SocketTimeoutException("no read token");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
              }
              return in.read(b, off, Math.min(len, 16 * 1024));
            }
          };
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      HttpReader reader = new HttpReader(throttled);
      assertThat(reader.head().status()).isEqualTo(200);
      List<MessageEvent> events = new ArrayList<>();
      SseParser parser = SseParser.builder().build(events::add);
      byte[] chunk;
      try {
        while ((chunk = reader.chunk()) != null) {
          parser.feed(chunk, 0, chunk.length);
        }
      } catch (IOException e) {
        throw new AssertionError("the stream was cut after " + events.size() + " events: " + e, e);
      }
      parser.end();
      return events;
    } finally {
      ticker.shutdownNow();
    }
  }

  private static SseRecorder openBystander(int port) throws Exception {
    SseRecorder bystander = SseRecorder.open(URI.create("http://127.0.0.1:" + port + "/ticks"));
    assertThat(bystander.next().dataString()).startsWith("tick ");
    return bystander;
  }

  private static HeraldServer start(java.util.function.Consumer<HeraldServer.Builder> configurer) {
    HeraldServer.Builder builder = HeraldServer.builder().host("127.0.0.1").port(0);
    configurer.accept(builder);
    return builder.build().start();
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }

  private static long usedDirectMemory() {
    ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    return allocator instanceof ByteBufAllocatorMetricProvider
        ? ((ByteBufAllocatorMetricProvider) allocator).metric().usedDirectMemory()
        : 0;
  }
}
