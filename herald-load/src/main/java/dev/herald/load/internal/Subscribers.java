package dev.herald.load.internal;

import dev.herald.load.BenchException;
import dev.herald.load.LoadTarget;
import dev.herald.sse.MessageEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A run's subscribers: opens their streams with a bounded number of connection attempts at once,
 * spread over the source addresses, and counts what happens to them. Counters are atomics, written
 * on event loops and read by the run's thread.
 */
final class Subscribers implements SubscriberEvents {
  /** The most connection attempts under way at once: {@value}. */
  static final int MAX_PENDING_CONNECTS = 256;

  private final LoadClient netty;
  private final LoadTarget target;
  private final String topic;
  private final BiConsumer<Client, MessageEvent> sink;
  private final List<Client> clients;
  private final Endpoint[] endpoints;
  private final Semaphore pending = new Semaphore(MAX_PENDING_CONNECTS);
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger disconnected = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile @Nullable String firstFailure;
  private volatile boolean closing;
  final Latency connectTime = new Latency();

  Subscribers(
      LoadClient netty,
      LoadTarget target,
      String topic,
      int count,
      BiConsumer<Client, MessageEvent> sink) {
    this.netty = netty;
    this.target = target;
    this.topic = topic;
    this.sink = sink;
    this.clients = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      clients.add(new Client(i));
    }
    int urls = Math.max(1, target.subscribeUrls().size());
    this.endpoints = new Endpoint[urls];
    for (int i = 0; i < urls; i++) {
      endpoints[i] = Endpoint.of(target.subscribeUrl(i));
    }
  }

  List<Client> clients() {
    return clients;
  }

  /** Returns the number of streams open now. */
  int open() {
    return open.get();
  }

  /** Returns the number of streams that ended while not being closed by the run. */
  int disconnected() {
    return disconnected.get();
  }

  /**
   * Opens a stream for every client, each with its {@link Client#lastEventId}, and returns when all
   * are open.
   *
   * @throws BenchException if one fails, or they are not all open within the time-out plus 2 ms per
   *     client
   */
  void connectAll() {
    closing = false;
    long deadline = System.nanoTime() + target.timeout().toNanos() + clients.size() * 2_000_000L;
    int goal = opened.get() + clients.size();
    for (Client c : clients) {
      acquire(deadline);
      checkFailures();
      connect(c);
    }
    while (opened.get() < goal) {
      checkFailures();
      if (System.nanoTime() > deadline) {
        throw new BenchException(
            "only "
                + (clients.size() - (goal - opened.get()))
                + " of "
                + clients.size()
                + " subscriptions opened within the time-out");
      }
      Waits.pause();
    }
  }

  private void acquire(long deadline) {
    try {
      if (!pending.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new BenchException(
            "the server did not answer "
                + MAX_PENDING_CONNECTS
                + " subscription requests within the time-out ("
                + open.get()
                + " open)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }

  private void connect(Client c) {
    Endpoint endpoint = endpoints[c.index % endpoints.length];
    c.connectStartNanos = Payload.now();
    c.connectedNanos = 0;
    SseSubscriber handler = new SseSubscriber(c, endpoint, topic, target.subscriberToken(), this);
    ChannelFuture f =
        netty.subscribe(
            endpoint,
            target.sourceAddresses().size() == 0 ? null : target.sourceAddresses().get(c.index),
            handler);
    c.channel = f.channel();
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            failed(c, "cannot connect to " + endpoint.address() + ": " + done.cause());
          }
        });
  }

  private void checkFailures() {
    if (failures.get() > 0) {
      throw new BenchException(
          failures.get()
              + " of "
              + clients.size()
              + " subscriptions failed; first: "
              + firstFailure);
    }
  }

  /** Closes every stream and waits, within the time-out, until their channels are closed. */
  void closeAll() {
    closing = true;
    long deadline = System.nanoTime() + target.timeout().toNanos();
    List<ChannelFuture> closes = new ArrayList<>(clients.size());
    for (Client c : clients) {
      Channel ch = c.channel;
      if (ch != null) {
        closes.add(ch.close());
      }
    }
    for (ChannelFuture f : closes) {
      f.awaitUninterruptibly(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    // channelInactive runs just after the close future completes: wait for the count to settle.
    Waits.until(() -> open.get() <= 0, deadline, () -> {});
  }

  @Override
  public void connected(Client client) {
    open.incrementAndGet();
    opened.incrementAndGet();
    connectTime.recordNanos(client.connectedNanos - client.connectStartNanos);
    pending.release();
  }

  @Override
  public void event(Client client, MessageEvent event) {
    sink.accept(client, event);
  }

  @Override
  public void failed(Client client, String reason) {
    if (firstFailure == null) {
      firstFailure = reason;
    }
    failures.incrementAndGet();
    pending.release();
  }

  @Override
  public void closed(Client client) {
    open.decrementAndGet();
    if (!closing) {
      disconnected.incrementAndGet();
    }
  }
}
