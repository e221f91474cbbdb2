package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.sse.MessageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.adapter.JdkFlowAdapter;

/** The {@link Flow.Publisher} view and the blocking iterator. */
class PublisherAndIteratorTest {
  @RegisterExtension final Scripted scripted = new Scripted();

  private static EventSource.Builder fast(URI uri) {
    return Scripted.fast(uri, HttpClient.Version.HTTP_1_1);
  }

  /** A subscriber that records signals and requests only when told to. */
  static final class TestSubscriber implements Flow.Subscriber<MessageEvent> {
    final BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
    final AtomicInteger count = new AtomicInteger();
    final CompletableFuture<Throwable> terminated = new CompletableFuture<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile Flow.Subscription subscription;
    private final long initial;

    TestSubscriber(long initial) {
      this.initial = initial;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (initial > 0) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(MessageEvent item) {
      threads.add(Thread.currentThread().getName());
      count.incrementAndGet();
      events.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
      terminated.complete(throwable);
    }

    @Override
    public void onComplete() {
      terminated.complete(null);
    }

    MessageEvent take() throws InterruptedException {
      MessageEvent e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("an event within 10 s").isNotNull();
      return e;
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void aSubscriberWithoutDemandStopsTheServersWrites(HttpClient.Version version) throws Exception {
    int total = 48_000; // about 48 MiB: more than any socket buffers and HTTP/2 windows hold
    String padding = "p".repeat(1000);
    AtomicInteger written = new AtomicInteger();
    AtomicBoolean finished = new AtomicBoolean();
    ScriptServer server =
        scripted.server(
            x -> {
              x.stream();
              for (int i = 0; i < total; i++) {
                x.send("id: " + i + "\ndata: " + i + " " + padding + "\n\n");
                written.incrementAndGet();
              }
              finished.set(true);
              x.awaitClosed();
            });
    TestSubscriber subscriber = new TestSubscriber(10);
    fast(server.uri("/s")).version(version).buildPublisher().subscribe(subscriber);
    scripted.closeAfter(() -> subscriber.subscription.cancel());

    await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.count.get() == 10);
    // Ten events requested, ten delivered, and the server stays blocked in its writes.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> subscriber.count.get() == 10 && !finished.get());
    assertThat(written.get()).isLessThan(total);

    subscriber.subscription.request(Long.MAX_VALUE);
    for (int i = 0; i < total; i++) {
      MessageEvent e = subscriber.take();
      assertThat(e.id()).isEqualTo(Integer.toString(i));
    }
    // The server's last write can return after the client has read it: wait for the flag.
    await().atMost(Duration.ofSeconds(10)).untilTrue(finished);
    assertThat(subscriber.threads).allMatch(t -> t.startsWith("herald-eventsource-"));
  }

  @Test
  void cancellingClosesTheConnection() throws Exception {
    ScriptServer server =
        scripted.server(x -> x.stream().send("data: 1\n\ndata: 2\n\n").awaitClosed());
    TestSubscriber subscriber = new TestSubscriber(1);
    fast(server.uri("/s")).buildPublisher().subscribe(subscriber);

    assertThat(subscriber.take().dataString()).isEqualTo("1");
    subscriber.subscription.cancel();

    server.exchange(0).awaitClosed();
    assertThat(subscriber.terminated).isNotDone();
  }

  @Test
  void eachSubscriberGetsItsOwnConnection() throws Exception {
    ScriptServer server =
        scripted.server(x -> x.stream().send("data: " + x.index + "\n\n").awaitClosed());
    Flow.Publisher<MessageEvent> publisher = fast(server.uri("/s")).buildPublisher();
    TestSubscriber a = new TestSubscriber(1);
    TestSubscriber b = new TestSubscriber(1);
    publisher.subscribe(a);
    publisher.subscribe(b);
    scripted.closeAfter(() -> a.subscription.cancel());
    scripted.closeAfter(() -> b.subscription.cancel());

    assertThat(List.of(a.take().dataString(), b.take().dataString()))
        .containsExactlyInAnyOrder("0", "1");
  }

  @Test
  void status204CompletesTheSubscriber() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("data: a\n\n").end();
              } else {
                x.respond(204).end();
              }
            });
    TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
    fast(server.uri("/s")).buildPublisher().subscribe(subscriber);

    assertThat(subscriber.take().dataString()).isEqualTo("a");
    assertThat(subscriber.terminated.get(10, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aFailureErrorsTheSubscriber() throws Exception {
    ScriptServer server = scripted.server(x -> x.reply(404, "gone"));
    TestSubscriber subscriber = new TestSubscriber(1);
    fast(server.uri("/s")).buildPublisher().subscribe(subscriber);

    assertThat(subscriber.terminated.get(10, TimeUnit.SECONDS))
        .isInstanceOf(UnexpectedResponseException.class);
  }

  @Test
  void requestingZeroErrorsTheSubscriber() throws Exception {
    ScriptServer server = scripted.server(x -> x.stream().awaitClosed());
    TestSubscriber subscriber = new TestSubscriber(0);
    fast(server.uri("/s")).buildPublisher().subscribe(subscriber);
    subscriber.subscription.request(0);

    assertThat(subscriber.terminated.get(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("request: 0");
  }

  @Test
  void worksWithReactor() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> x.stream().send("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n").awaitClosed());

    List<String> first =
        JdkFlowAdapter.flowPublisherToFlux(fast(server.uri("/s")).buildPublisher())
            .take(3)
            .map(MessageEvent::dataString)
            .collectList()
            .block(Duration.ofSeconds(10));

    assertThat(first).containsExactly("1", "2", "3");
    server.exchange(0).awaitClosed();
  }

  @Test
  void iteratorReadsEventsAndEndsOn204() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("data: 1\n\ndata: 2\n\n").end();
              } else {
                x.respond(204).end();
              }
            });
    try (EventIterator events = fast(server.uri("/s")).buildIterator()) {
      assertThat(events.hasNext()).isTrue();
      assertThat(events.next().dataString()).isEqualTo("1");
      assertThat(events.next(Duration.ofSeconds(10)).dataString()).isEqualTo("2");
      assertThat(events.hasNext()).isFalse();
      assertThatThrownBy(events::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void iteratorTimesOutWithNull() throws Exception {
    ScriptServer server = scripted.server(x -> x.stream().awaitClosed());
    try (EventIterator events = fast(server.uri("/s")).buildIterator()) {
      assertThat(events.next(Duration.ofMillis(100))).isNull();
    }
    server.exchange(0).awaitClosed();
  }

  @Test
  void iteratorThrowsTheFailure() throws Exception {
    ScriptServer server =
        scripted.server(x -> x.respond(200, "content-type", "text/html").awaitClosed());
    try (EventIterator events = fast(server.uri("/s")).buildIterator()) {
      assertThatThrownBy(events::hasNext)
          .isInstanceOf(UnexpectedResponseException.class)
          .hasMessageContaining("text/html");
    }
  }

  @Test
  void iteratorBuffersAtMostBufferSizeEvents() throws Exception {
    int total = 20_000;
    AtomicBoolean finished = new AtomicBoolean();
    String padding = "p".repeat(2000);
    ScriptServer server =
        scripted.server(
            x -> {
              x.stream();
              for (int i = 0; i < total; i++) {
                x.send("data: " + i + " " + padding + "\n\n");
              }
              finished.set(true);
              x.awaitClosed();
            });
    try (EventIterator events = fast(server.uri("/s")).bufferSize(4).buildIterator()) {
      assertThat(events.next().dataString()).startsWith("0 ");
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(3))
          .until(() -> !finished.get());
      for (int i = 1; i < total; i++) {
        assertThat(events.next().dataString()).startsWith(i + " ");
      }
    }
    assertThat(finished).isTrue();
  }
}
