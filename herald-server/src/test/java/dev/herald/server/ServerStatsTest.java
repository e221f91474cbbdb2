package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/** {@link HeraldServer#stats()}: each counter moves when, and only when, its event happens. */
class ServerStatsTest {
  private static final Duration TIMEOUT = SseRecorder.TIMEOUT;
  private static final int BOUND = 64 * 1024;
  private static final String LARGE = "x".repeat(10 * 1024);

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.maxBufferedBytes(BOUND)
                  .get("/hello", r -> "hello")
                  .sse("/two", r -> Flux.just("one", "two").concatWith(Flux.never()))
                  .sse("/flood", r -> new DemandIgnoringPublisher()));

  @Test
  void countsEveryByteOfAResponseAsTheClientReceivesIt() throws Exception {
    ServerStats stats = server.server().stats();
    assertThat(stats.bytesWritten()).isZero();
    assertThat(stats.connectionsAccepted()).isZero();

    String response;
    try (RawHttp client = new RawHttp(server.port())) {
      client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      response = client.readUntilClose();
    }

    assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello");
    assertThat(stats.bytesWritten())
        .as("bytes written, for a response of %s bytes", response.length())
        .isEqualTo(response.getBytes(StandardCharsets.UTF_8).length);
    assertThat(stats.connectionsAccepted()).isEqualTo(1);
    await().atMost(TIMEOUT).until(() -> stats.openConnections() == 0);
  }

  @Test
  void countsOpenConnectionsAndStreamsWhileTheyAreOpen() throws Exception {
    ServerStats stats = server.server().stats();
    try (SseRecorder client = SseRecorder.open(server.uri("/two"))) {
      assertThat(client.next().dataString()).isEqualTo("one");
      assertThat(client.next().dataString()).isEqualTo("two");
      assertThat(stats.openStreams()).isEqualTo(1);
      assertThat(stats.openConnections()).isEqualTo(1);
      assertThat(stats.bytesWritten()).isGreaterThan("data:one\n\ndata:two\n\n".length());
    }
    await().atMost(TIMEOUT).until(() -> stats.openStreams() == 0 && stats.openConnections() == 0);
    assertThat(stats.connectionsAccepted()).isEqualTo(1);
    assertThat(stats.slowConsumerCuts()).isZero();
  }

  @Test
  void countsAStreamCutForFallingBehind() throws Exception {
    ServerStats stats = server.server().stats();
    try (RawHttp hog = new RawHttp(server.port())) {
      hog.send("GET /flood HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      await().atMost(TIMEOUT).until(() -> stats.slowConsumerCuts() == 1);
      await().atMost(TIMEOUT).until(() -> stats.openStreams() == 0);
    }
    assertThat(stats.slowConsumerCuts()).isEqualTo(1);
  }

  /** Pushes up to 1,000 events of 10 KiB at its first request, whatever was asked for. */
  private static final class DemandIgnoringPublisher implements Flow.Publisher<Object> {
    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
      AtomicBoolean cancelled = new AtomicBoolean();
      AtomicBoolean started = new AtomicBoolean();
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              if (started.compareAndSet(false, true)) {
                for (int i = 0; i < 1_000 && !cancelled.get(); i++) {
                  subscriber.onNext(LARGE);
                }
              }
            }

            @Override
            public void cancel() {
              cancelled.set(true);
            }
          });
    }
  }
}
