package dev.herald.client.internal;

import dev.herald.sse.MessageEvent;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Delivers one event source's events to one {@link Flow.Subscriber}: the subscriber's demand is the
 * source's capacity, so with no demand the source stops reading its connection. Signals reach the
 * subscriber on the source's thread; {@link #request(long)} and {@link #cancel()} may be called
 * from any thread.
 */
final class SubscriberSink implements SourceSink, Flow.Subscription {
  private static final System.Logger LOG = System.getLogger("dev.herald.client.EventSource");

  private final Flow.Subscriber<? super MessageEvent> subscriber;
  private final AtomicLong demand = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private @Nullable SourceLoop loop;

  SubscriberSink(Flow.Subscriber<? super MessageEvent> subscriber) {
    this.subscriber = subscriber;
  }

  void attach(SourceLoop loop) {
    this.loop = loop;
  }

  @Override
  public void request(long n) {
    SourceLoop l = loop;
    if (l == null || cancelled.get()) {
      return;
    }
    if (n <= 0) {
      // Reactive Streams §3.9.
      l.fail(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
      return;
    }
    long before = demand.getAndAccumulate(n, SubscriberSink::addCapped);
    if (before == 0) {
      l.resume();
    }
  }

  @Override
  public void cancel() {
    if (cancelled.compareAndSet(false, true) && loop != null) {
      loop.close();
    }
  }

  @Override
  public long capacity() {
    return cancelled.get() ? 0 : demand.get();
  }

  @Override
  public void onOpen() {}

  @Override
  public void onEvent(MessageEvent event) {
    if (cancelled.get()) {
      return;
    }
    demand.getAndUpdate(d -> d == Long.MAX_VALUE ? d : d - 1);
    try {
      subscriber.onNext(event);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // Reactive Streams §2.13: a subscriber must not throw; treat it as a cancellation.
      LOG.log(System.Logger.Level.WARNING, "Flow.Subscriber.onNext threw; cancelling", e);
      cancel();
    }
  }

  @Override
  public void onError(Throwable error) {}

  @Override
  public void onClosed(@Nullable Throwable failure) {
    if (cancelled.getAndSet(true)) {
      return;
    }
    if (failure == null) {
      subscriber.onComplete();
    } else {
      subscriber.onError(failure);
    }
  }

  private static long addCapped(long current, long n) {
    long sum = current + n;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
