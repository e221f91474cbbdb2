package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.hub.Update;
import dev.herald.server.EncodedEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the dispatch of one update to {@value #SUBSCRIBERS} subscriptions through the hub's own
 * path: {@link UpdateFrames#encode} once, then {@link Dispatcher#dispatch}, which offers the frame
 * to each matching {@link HubSubscriber}, which hands it to its stream's subscriber (here a counter
 * that requested {@link Long#MAX_VALUE} and discards what it gets). This is {@link HubCore#publish}
 * without the history append and id assignment.
 *
 * <p>Shapes: {@code ONE_TOPIC}, every subscriber on the same exact topic (10,000 deliveries);
 * {@code OWN_TOPICS}, each on its own exact topic (1 delivery); {@code TEMPLATES}, 100 subscribers
 * on each of 100 templates {@code https://example.com/p{T}/books/{id}}, one of which matches (100
 * deliveries).
 *
 * <p>Baseline: a loop over every subscriber that checks its selectors with {@link
 * TopicSelector#matches} and encodes the update for each subscriber that matches, then offers it
 * through the same {@link HubSubscriber#offer}: the difference is the index and encoding once.
 * Lives in the hub's internal package because the dispatcher and subscribers are package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DispatchBenchmark {
  /** Subscriptions registered by default. */
  static final int SUBSCRIBERS = 10_000;

  /**
   * Subscriptions registered: {@value #SUBSCRIBERS} by default; a multiple of 100 ({@code -p
   * subscribers=1000} shows how the cost per delivery depends on the working set).
   */
  @Param({"10000"})
  public int subscribers;

  /** The subscriptions; see the class comment. */
  @Param({"ONE_TOPIC", "OWN_TOPICS", "TEMPLATES"})
  public String shape;

  private final Dispatcher dispatcher = new Dispatcher();
  private final List<HubSubscriber> registered = new ArrayList<>();
  private final List<CountingSubscriber> counters = new ArrayList<>();
  private History history;
  private Update update;
  private int expectedDeliveries;
  private long sequence;

  /** Registers the subscriptions and checks that both paths deliver to the same ones. */
  @Setup(Level.Trial)
  public void setUp() {
    history = History.inMemory(1, Duration.ofMinutes(1), Clock.systemUTC());
    for (int i = 0; i < subscribers; i++) {
      HubSubscriber subscriber =
          new HubSubscriber(
              "s" + i,
              List.of(TopicSelector.of(selector(shape, i))),
              null,
              List.of(),
              history,
              1024,
              () -> {});
      CountingSubscriber counter = new CountingSubscriber();
      subscriber.replay(0, 0);
      subscriber.subscribe(counter);
      dispatcher.register(subscriber);
      registered.add(subscriber);
      counters.add(counter);
    }
    update =
        Update.builder(topic(shape))
            .id("urn:uuid:5b7c8e3a-41d2-4c7e-9d0f-8a1b2c3d4e5f")
            .data(
                "{\"book\":\"https://example.com/books/4242\",\"title\":\"The Left Hand of"
                    + " Darkness\",\"stock\":17}")
            .build();
    expectedDeliveries = deliveries(shape, subscribers);
    long before = delivered();
    herald();
    check("herald", delivered() - before);
    before = delivered();
    baselineEncodePerSubscriber();
    check("baselineEncodePerSubscriber", delivered() - before);
  }

  /** Checks that no subscriber was cut for falling behind. */
  @TearDown(Level.Trial)
  public void tearDown() {
    for (HubSubscriber subscriber : registered) {
      if (subscriber.isCancelled()) {
        throw new IllegalStateException("subscriber " + subscriber.subscriberId() + " was cut");
      }
    }
    history.close();
  }

  /** Encodes the update once and dispatches it through the hub's dispatcher. */
  @Benchmark
  public EncodedEvent herald() {
    EncodedEvent frame = UpdateFrames.encode(update);
    dispatcher.dispatch(new HubSubscriber.Delivery(++sequence, update, frame));
    return frame;
  }

  /**
   * Baseline: checks every subscriber's selectors and encodes the update once per subscriber that
   * matches.
   */
  @Benchmark
  public int baselineEncodePerSubscriber() {
    long seq = ++sequence;
    int delivered = 0;
    for (HubSubscriber subscriber : registered) {
      if (matches(subscriber.selectors(), update.topics())) {
        subscriber.offer(new HubSubscriber.Delivery(seq, update, UpdateFrames.encode(update)));
        delivered++;
      }
    }
    return delivered;
  }

  private static boolean matches(List<TopicSelector> selectors, List<String> topics) {
    for (TopicSelector selector : selectors) {
      for (String topic : topics) {
        if (selector.matches(topic)) {
          return true;
        }
      }
    }
    return false;
  }

  private void check(String name, long delivered) {
    if (delivered != expectedDeliveries) {
      throw new IllegalStateException(
          name + " delivered " + delivered + " events (expected: " + expectedDeliveries + ")");
    }
  }

  private long delivered() {
    long total = 0;
    for (CountingSubscriber counter : counters) {
      total += counter.received;
    }
    return total;
  }

  static String selector(String shape, int i) {
    switch (shape) {
      case "ONE_TOPIC":
        return "https://example.com/books/4242";
      case "OWN_TOPICS":
        return "https://example.com/books/" + i;
      case "TEMPLATES":
        return "https://example.com/p" + (i % 100) + "/books/{id}";
      default:
        throw new IllegalArgumentException("shape: " + shape);
    }
  }

  static String topic(String shape) {
    return shape.equals("TEMPLATES")
        ? "https://example.com/p42/books/4242"
        : "https://example.com/books/4242";
  }

  static int deliveries(String shape, int subscribers) {
    switch (shape) {
      case "ONE_TOPIC":
        return subscribers;
      case "OWN_TOPICS":
        return 1;
      case "TEMPLATES":
        return subscribers / 100;
      default:
        throw new IllegalArgumentException("shape: " + shape);
    }
  }

  /** A stream's subscriber that wants everything and keeps only a count. One thread. */
  static final class CountingSubscriber implements Flow.Subscriber<Object> {
    long received;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object item) {
      received++;
    }

    @Override
    public void onError(Throwable throwable) {
      throw new IllegalStateException("stream failed", throwable);
    }

    @Override
    public void onComplete() {}
  }
}
