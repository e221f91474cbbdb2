package dev.herald.load.internal;

import dev.herald.load.BenchException;
import dev.herald.load.LoadTarget;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A run's publisher connections, sharing one schedule, and the record of which updates the server
 * accepted. The accepted set is written by publishers' event loops under this object's lock.
 */
final class Publishers implements HubPublisher.Outcomes {
  private final LoadClient netty;
  private final LoadTarget target;
  private final Schedules.Counted schedule;
  private final List<HubPublisher> handlers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final BitSet accepted = new BitSet();
  private final AtomicLong acceptedCount = new AtomicLong();
  private final AtomicLong refusedCount = new AtomicLong();
  private final AtomicLong responses = new AtomicLong();
  private volatile @Nullable String failure;
  private volatile boolean stopping;

  Publishers(LoadClient netty, LoadTarget target, Schedules.Counted schedule) {
    this.netty = netty;
    this.target = target;
    this.schedule = schedule;
  }

  /** Connects {@code count} publishers, each with up to {@code maxInFlight} requests pipelined. */
  void start(String topic, int payloadBytes, int count, int maxInFlight) {
    Endpoint endpoint = Endpoint.of(target.url());
    List<ChannelFuture> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HubPublisher p =
          new HubPublisher(
              endpoint,
              topic,
              payloadBytes,
              target.publisherToken(),
              maxInFlight,
              target.timeout().toNanos(),
              schedule,
              this);
      handlers.add(p);
      // The last source addresses, so publishers rarely share one with a subscriber.
      ChannelFuture f =
          netty.publish(
              endpoint,
              target.sourceAddresses().size() == 0 ? null : target.sourceAddresses().get(-1 - i),
              p);
      channels.add(f.channel());
      futures.add(f);
    }
    for (ChannelFuture f : futures) {
      if (!f.awaitUninterruptibly(target.timeout().toMillis() + 1000) || !f.isSuccess()) {
        throw new BenchException(
            "cannot connect a publisher to " + endpoint.address() + ": " + f.cause());
      }
    }
  }

  /** Throws if a publication was refused or a publisher failed. */
  void check() {
    String f = failure;
    if (f != null) {
      throw new BenchException(f);
    }
  }

  /** Returns whether the schedule is over and every publication has its response. */
  boolean finished() {
    return schedule.done() && responses.get() >= schedule.issued();
  }

  /** Waits until {@link #finished()}, within the time-out after the last publication. */
  void awaitFinished() {
    long deadline = System.nanoTime() + target.timeout().toNanos();
    if (!Waits.until(this::finished, deadline, this::check)) {
      throw new BenchException(
          "the server answered "
              + responses.get()
              + " of "
              + schedule.issued()
              + " publications within the time-out");
    }
  }

  long issued() {
    return schedule.issued();
  }

  long accepted() {
    return acceptedCount.get();
  }

  /** Returns a copy of the set of accepted sequence numbers. */
  synchronized BitSet acceptedSet() {
    return (BitSet) accepted.clone();
  }

  /** Stops the publishers and closes their connections. */
  void close() {
    stopping = true;
    for (HubPublisher p : handlers) {
      p.stop();
    }
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly(target.timeout().toMillis());
    }
  }

  @Override
  public void acked(long seq) {
    synchronized (this) {
      accepted.set((int) seq);
    }
    acceptedCount.incrementAndGet();
    responses.incrementAndGet();
  }

  /** Returns how many publications the server refused as overloaded (503 or 429). */
  long refused() {
    return refusedCount.get();
  }

  @Override
  public void refused(long seq, int status, String body) {
    responses.incrementAndGet();
    if (status == 503 || status == 429) {
      // The server sheds load: the update was not published, so no subscriber is owed it.
      refusedCount.incrementAndGet();
      return;
    }
    if (failure == null) {
      failure = "publication refused: HTTP " + status + (body.isEmpty() ? "" : ": " + body);
    }
  }

  @Override
  public void failed(String reason) {
    if (!stopping && failure == null) {
      failure = reason;
    }
  }
}
