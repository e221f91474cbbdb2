package dev.herald.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Subscribes to a publisher of byte buffers for a {@link BodyWriter}, with demand that follows the
 * socket: one buffer first, then at most {@link #MAX_WINDOW} buffers ahead, and only as many as fit
 * in {@link #BUDGET_BYTES} at the average size seen so far.
 *
 * <p>Threads: the publisher signals on any thread (serially); each buffer is copied on that thread
 * into a pooled buffer owned by the writer. {@link #request()} runs on the event loop and hands the
 * demand to the handler executor through a {@link DemandSerializer}, so a publisher that produces
 * inside {@code request} never runs on an event loop. A publisher that emits more than it was asked
 * for fails the download.
 */
final class BufferSubscriber implements Flow.Subscriber<ByteBuffer>, BodyWriter.Producer {
  /** Largest number of buffers requested ahead of the socket. */
  static final int MAX_WINDOW = 64;

  /** Bytes a download may hold, queued and in the channel, before asking for more. */
  static final long BUDGET_BYTES = 256 * 1024;

  private final BodyWriter writer;
  private final ByteBufAllocator alloc;
  private final DemandSerializer demand;
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile boolean terminated; // written by the signalling thread
  private volatile long averageSize; // written by the signalling thread

  BufferSubscriber(BodyWriter writer, Executor executor, ByteBufAllocator alloc) {
    this.writer = writer;
    this.alloc = alloc;
    this.demand = new DemandSerializer(executor);
  }

  // ---- Flow.Subscriber: any thread, serially ----

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (!demand.subscription(subscription)) {
      return;
    }
    if (cancelled.get()) {
      demand.cancel();
      return;
    }
    // One buffer first: its size tells how many more fit in the budget.
    outstanding.set(1);
    demand.requestNow(1);
  }

  @Override
  public void onNext(ByteBuffer item) {
    if (terminated || cancelled.get()) {
      return;
    }
    if (outstanding.decrementAndGet() < 0) {
      cancel();
      terminated = true;
      writer.onError(new IllegalStateException("the publisher emitted more than was requested"));
      return;
    }
    int size = item.remaining();
    long average = averageSize;
    averageSize = average == 0 ? Math.max(1, size) : (average * 7 + size) / 8;
    ByteBuf copy = alloc.buffer(size);
    copy.writeBytes(item.duplicate()); // the publisher may reuse its buffer once this returns
    writer.onData(copy);
  }

  @Override
  public void onError(Throwable error) {
    terminated = true;
    writer.onError(error);
  }

  @Override
  public void onComplete() {
    terminated = true;
    writer.onEnd();
  }

  // ---- BodyWriter.Producer ----

  @Override
  public void request() {
    if (cancelled.get() || terminated) {
      return;
    }
    long outstandingNow = outstanding.get();
    long average = averageSize;
    long window;
    if (average == 0) {
      window = 1;
    } else {
      window = Math.min(MAX_WINDOW, (BUDGET_BYTES - writer.bufferedBytes()) / average);
    }
    if (window <= 0 || outstandingNow > window / 2) {
      return;
    }
    long more = window - outstandingNow;
    outstanding.addAndGet(more);
    demand.requestLater(more);
  }

  @Override
  public void cancel() {
    // A publisher that has terminated is not cancelled as well: its cleanup already ran, once.
    if (!terminated && cancelled.compareAndSet(false, true)) {
      demand.cancel();
    }
  }
}
