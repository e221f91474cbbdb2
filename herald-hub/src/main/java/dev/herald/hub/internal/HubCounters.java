package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.hub.HubStats;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's counters behind {@link HubStats}, and the publish-latency callback. Each event costs
 * one {@link LongAdder} increment on the thread where it happens: publishing threads, the threads
 * that drain subscribers, the threads that subscribe.
 */
public final class HubCounters implements HubStats {
  private static final Logger LOG = LoggerFactory.getLogger(HubCounters.class);

  private final IntSupplier subscriptions;
  private final History history;
  private final LongAdder published = new LongAdder();
  private final LongAdder deliveries = new LongAdder();
  private final LongAdder resumes = new LongAdder();
  private final LongAdder replayed = new LongAdder();

  /** Set once after construction, by the hub's builder; read by publishing threads. */
  private volatile LongConsumer publishLatency = nanos -> {};

  private volatile boolean latencyFailed;

  HubCounters(IntSupplier subscriptions, History history) {
    this.subscriptions = subscriptions;
    this.history = history;
  }

  /** Sets the callback that receives each publish's duration in nanoseconds. */
  public void publishLatency(LongConsumer listener) {
    this.publishLatency = listener;
  }

  /** Counts an update published, which took {@code nanos}. Publishing thread. */
  void published(long nanos) {
    published.increment();
    try {
      publishLatency.accept(nanos);
    } catch (RuntimeException e) {
      if (!latencyFailed) {
        latencyFailed = true;
        LOG.warn("publish latency callback failed (reported once)", e);
      }
    }
  }

  /** Counts updates handed to one subscriber, {@code fromHistory} of them replayed. */
  void delivered(long count, long fromHistory) {
    deliveries.add(count);
    if (fromHistory > 0) {
      replayed.add(fromHistory);
    }
  }

  void resumed() {
    resumes.increment();
  }

  @Override
  public int subscriptions() {
    return subscriptions.getAsInt();
  }

  @Override
  public long updatesPublished() {
    return published.sum();
  }

  @Override
  public long deliveries() {
    return deliveries.sum();
  }

  @Override
  public long resumes() {
    return resumes.sum();
  }

  @Override
  public long replayedUpdates() {
    return replayed.sum();
  }

  @Override
  public int historySize() {
    try {
      return history.size();
    } catch (IllegalStateException e) {
      return 0; // closed
    }
  }
}
