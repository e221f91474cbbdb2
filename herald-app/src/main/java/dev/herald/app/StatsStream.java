package dev.herald.app;

import dev.herald.hub.HubStats;
import dev.herald.server.ServerStats;
import dev.herald.sse.MessageEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The hub's own stats as a stream of Server-Sent Events, for the dashboard: a sample of the
 * counters every second, with the rates since the previous one.
 *
 * <p>Each new stream starts with one {@code history} event, a JSON array of the samples of the last
 * {@value #HISTORY} seconds, so a chart opened (or reconnected) now shows the last minutes at once;
 * then one {@code stats} event per sample. A client that does not keep up loses its oldest queued
 * samples, never more than {@value #MAX_QUEUED} wait for it.
 *
 * <p>Threads: the sampler thread ({@code herald-dashboard-stats}) takes samples and offers them;
 * streams are opened on the engine's handler threads; both hold this object's lock while they touch
 * {@link #history} and {@link #sinks}' membership, so a new stream gets every sample exactly once.
 */
final class StatsStream implements AutoCloseable {
  /** Samples kept for a new stream: {@value} (five minutes at one a second). */
  static final int HISTORY = 300;

  /** The most events queued for one stream: {@value}. */
  static final int MAX_QUEUED = 64;

  /** One reading of the counters, and the rates per second since the one before. */
  record Sample(
      long time,
      int connections,
      int streams,
      int subscriptions,
      long updatesPublished,
      long deliveries,
      long bytesWritten,
      long slowConsumerCuts,
      long resumes,
      long replayedUpdates,
      int historySize,
      double updatesPerSecond,
      double deliveriesPerSecond,
      double bytesPerSecond) {}

  // Set by start(), under the lock.
  private @Nullable ServerStats server;
  private @Nullable HubStats hub;
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "herald-dashboard-stats");
            t.setDaemon(true);
            return t;
          });

  // Guarded by this.
  private final ArrayDeque<Sample> history = new ArrayDeque<>();
  private @Nullable Sample last;
  private long lastNanos;

  private final Set<Sink> sinks = ConcurrentHashMap.newKeySet();
  private @Nullable ScheduledFuture<?> task;

  /** Sets the counters that {@link #sample()} reads. */
  synchronized void bind(ServerStats server, HubStats hub) {
    this.server = server;
    this.hub = hub;
  }

  /** Starts sampling these counters, once now and then every {@code interval}. */
  synchronized void start(ServerStats server, HubStats hub, Duration interval) {
    bind(server, hub);
    if (task == null) {
      task = sampler.scheduleAtFixedRate(this::sample, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Takes a sample now and sends it to every stream. Sampler thread (and tests). */
  void sample() {
    Sample sample;
    List<Sink> targets;
    synchronized (this) {
      ServerStats server = this.server;
      HubStats hub = this.hub;
      if (server == null || hub == null) {
        return;
      }
      long now = System.nanoTime();
      Sample previous = last;
      double seconds = previous == null ? 0 : (now - lastNanos) / 1e9;
      long published = hub.updatesPublished();
      long deliveries = hub.deliveries();
      long bytes = server.bytesWritten();
      sample =
          new Sample(
              System.currentTimeMillis(),
              server.openConnections(),
              server.openStreams(),
              hub.subscriptions(),
              published,
              deliveries,
              bytes,
              server.slowConsumerCuts(),
              hub.resumes(),
              hub.replayedUpdates(),
              hub.historySize(),
              rate(previous == null ? 0 : published - previous.updatesPublished(), seconds),
              rate(previous == null ? 0 : deliveries - previous.deliveries(), seconds),
              rate(previous == null ? 0 : bytes - previous.bytesWritten(), seconds));
      last = sample;
      lastNanos = now;
      history.addLast(sample);
      if (history.size() > HISTORY) {
        history.removeFirst();
      }
      targets = new ArrayList<>(sinks);
      for (Sink sink : targets) {
        sink.enqueue(stats(sample));
      }
    }
    for (Sink sink : targets) {
      sink.drain();
    }
  }

  private static double rate(long delta, double seconds) {
    return seconds <= 0 ? 0 : Math.round(delta / seconds * 10) / 10.0;
  }

  private static MessageEvent stats(Sample sample) {
    return MessageEvent.builder().type("stats").data(sample).build();
  }

  /** Returns a publisher of one stream: the history, then the samples as they are taken. */
  Flow.Publisher<Object> publisher() {
    return subscriber -> {
      Sink sink = new Sink(subscriber);
      synchronized (this) {
        sink.enqueue(MessageEvent.builder().type("history").data(List.copyOf(history)).build());
        sinks.add(sink);
      }
      subscriber.onSubscribe(sink);
    };
  }

  /** Returns the number of streams open now. */
  int streamCount() {
    return sinks.size();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  /** One stream's subscription: a small queue drained as the engine asks for events. */
  private final class Sink implements Flow.Subscription {
    private final Flow.Subscriber<? super Object> subscriber;
    private final ArrayDeque<MessageEvent> queue = new ArrayDeque<>(); // guarded by itself
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile long illegalRequest = 1;

    Sink(Flow.Subscriber<? super Object> subscriber) {
      this.subscriber = subscriber;
    }

    void enqueue(MessageEvent event) {
      synchronized (queue) {
        if (queue.size() >= MAX_QUEUED) {
          queue.pollFirst();
        }
        queue.addLast(event);
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        illegalRequest = n; // Reactive Streams §3.9: signalled by the draining thread
        drain();
        return;
      }
      requested.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override
    public void cancel() {
      if (cancelled.compareAndSet(false, true)) {
        sinks.remove(this);
      }
    }

    /** Emits what is queued and requested; one thread at a time, others leave it work. */
    void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        if (illegalRequest <= 0 && !cancelled.get()) {
          cancel();
          subscriber.onError(
              new IllegalArgumentException("request: " + illegalRequest + " (expected: > 0)"));
        }
        while (requested.get() > 0 && !cancelled.get()) {
          MessageEvent next;
          synchronized (queue) {
            next = queue.pollFirst();
          }
          if (next == null) {
            break;
          }
          requested.decrementAndGet();
          subscriber.onNext(next);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }
  }
}
