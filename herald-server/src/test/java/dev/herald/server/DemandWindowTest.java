package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/**
 * How far ahead a stream asks for events: many small events at a time, so that a long burst (a
 * replay of thousands of missed events) needs few round trips to the publisher; never so many that
 * a publisher that respects demand gets cut when its client stops reading.
 */
class DemandWindowTest {
  private static final int BURST = 20_000;

  /** The most events one request may ask for (the stream's window). */
  private static final int MAX_WINDOW = 1024;

  private static final int BOUND = 64 * 1024;

  private final Queue<Long> requests = new ConcurrentLinkedQueue<>();
  private final AtomicInteger endlessEmitted = new AtomicInteger();

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.maxBufferedBytes(BOUND)
                  .sse(
                      "/burst",
                      r -> Flux.range(0, BURST).map(i -> "event " + i).doOnRequest(requests::add))
                  .sse(
                      "/endless",
                      r ->
                          Flux.range(0, Integer.MAX_VALUE)
                              .map(i -> "small " + i)
                              .doOnNext(s -> endlessEmitted.incrementAndGet())));

  @Test
  void aBurstOfSmallEventsIsRequestedInLargeWindows() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/burst"))) {
      for (int i = 0; i < BURST; i++) {
        assertThat(sse.next().data()).isEqualTo("event " + i);
      }
      sse.awaitEnd();
    }

    assertThat(requests.stream().mapToLong(Long::longValue).max().orElse(0))
        .as("largest request")
        .isGreaterThan(64)
        .isLessThanOrEqualTo(MAX_WINDOW);
    assertThat(requests.size())
        .as("requests for %s events (a window of 64, refilled at half, takes over 600)", BURST)
        .isLessThan(300);
  }

  @Test
  void aClientThatStopsReadingSmallEventsIsNotCutWhileThePublisherRespectsDemand()
      throws Exception {
    try (RawHttp idle = new RawHttp(server.port())) {
      idle.socket().setReceiveBufferSize(4096);
      idle.send("GET /endless HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      await().atMost(SseRecorder.TIMEOUT).until(() -> endlessEmitted.get() > 0);
      // Once the socket buffers are full the publisher stops: nothing more is requested.
      AtomicInteger last = new AtomicInteger(-1);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> last.getAndSet(endlessEmitted.get()) == endlessEmitted.get());

      assertThat(server.server().stats().slowConsumerCuts()).isZero();
      assertThat(server.server().streamCount()).isEqualTo(1);
    }
    await().atMost(SseRecorder.TIMEOUT).until(() -> server.server().streamCount() == 0);
  }
}
