package dev.herald.client;

import dev.herald.sse.MessageEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads an event stream by blocking: the simplest way to consume events, made with {@link
 * EventSource.Builder#buildIterator()}.
 *
 * <pre>{@code
 * try (EventIterator events = EventSource.builder(uri).buildIterator()) {
 *   while (events.hasNext()) {
 *     System.out.println(events.next().dataString());
 *   }
 * }
 * }</pre>
 *
 * <p>The iterator connects when it is built, reconnects as an {@link EventSource} does, and ends
 * ({@link #hasNext()} returns false) when the server answers 204 or the iterator is closed. If the
 * source fails for good, {@link #hasNext()} and the {@code next} methods throw the failure: as is
 * when it is unchecked, in an {@link UncheckedIOException} when it is an {@link IOException}.
 *
 * <p>At most {@linkplain EventSource.Builder#bufferSize(int) bufferSize} events wait in the
 * iterator; while it is full, the source stops reading its connection, so the server's writes back
 * up instead of the client's memory growing. Meant for one consuming thread; {@link #close()} may
 * be called from any thread.
 */
public final class EventIterator implements Iterator<MessageEvent>, AutoCloseable {
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue;
  private final int bufferSize;
  private volatile Flow.@Nullable Subscription subscription;
  private volatile boolean closed;
  // Consumer thread only.
  private @Nullable Object head;

  EventIterator(Flow.Publisher<MessageEvent> publisher, int bufferSize) {
    this.bufferSize = bufferSize;
    this.queue = new ArrayBlockingQueue<>(bufferSize + 1);
    publisher.subscribe(new Subscriber());
  }

  /**
   * Returns whether another event comes, waiting for it as long as it takes.
   *
   * @throws RuntimeException the failure that ended the source, see the type's documentation
   * @throws IllegalStateException if the thread is interrupted while waiting (its interrupt status
   *     is set again)
   */
  @Override
  public boolean hasNext() {
    try {
      return awaitHead(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an event", e);
    }
  }

  /**
   * Returns the next event, waiting for it as long as it takes.
   *
   * @throws NoSuchElementException if the stream ended
   * @throws RuntimeException the failure that ended the source
   * @throws IllegalStateException if the thread is interrupted while waiting
   */
  @Override
  public MessageEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the event stream ended");
    }
    return take();
  }

  /**
   * Returns the next event, or null if none arrives within the timeout, like {@link
   * BlockingQueue#poll(long, TimeUnit)}.
   *
   * @throws NoSuchElementException if the stream ended
   * @throws RuntimeException the failure that ended the source
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public @Nullable MessageEvent next(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    try {
      if (!awaitHead(timeout)) {
        throw new NoSuchElementException("the event stream ended");
      }
    } catch (TimedOut e) {
      return null;
    }
    return take();
  }

  /** Closes the source and its connection; events still buffered are dropped. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    queue.clear();
    queue.offer(END);
  }

  private boolean awaitHead(@Nullable Duration timeout) throws InterruptedException {
    if (head == null) {
      head = timeout == null ? queue.take() : queue.poll(toNanos(timeout), TimeUnit.NANOSECONDS);
      if (head == null) {
        throw new TimedOut();
      }
    }
    if (head instanceof MessageEvent) {
      return true;
    }
    if (head == END) {
      return false;
    }
    Throwable failure = ((Failure) head).error();
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure instanceof IOException) {
      throw new UncheckedIOException((IOException) failure);
    }
    throw new IllegalStateException(failure);
  }

  private MessageEvent take() {
    MessageEvent event = (MessageEvent) head;
    head = null;
    Flow.Subscription s = subscription;
    if (s != null && !closed) {
      s.request(1);
    }
    return Objects.requireNonNull(event);
  }

  private static long toNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private record Failure(Throwable error) {}

  /** Thrown inside the iterator only, when a wait times out. */
  private static final class TimedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TimedOut() {
      super(null, null, false, false);
    }
  }

  private final class Subscriber implements Flow.Subscriber<MessageEvent> {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (closed) {
        s.cancel();
      } else {
        s.request(bufferSize);
      }
    }

    @Override
    public void onNext(MessageEvent item) {
      // Demand never passes bufferSize, so there is room.
      queue.offer(item);
    }

    @Override
    public void onError(Throwable throwable) {
      queue.offer(new Failure(throwable));
    }

    @Override
    public void onComplete() {
      queue.offer(END);
    }
  }
}
