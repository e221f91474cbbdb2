package dev.herald.redis.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The last log entry this instance delivered to its hub, which publishers and resuming subscribers
 * wait for; also the monitor the reader thread backs off on, so that closing wakes it. Written by
 * the reader thread, waited on by request threads; thread-safe.
 */
final class Position {
  private StreamId delivered = StreamId.ZERO; // guarded by this
  private boolean closed; // guarded by this

  /** Records that {@code id} was delivered, and wakes those waiting for it. Reader thread. */
  synchronized void delivered(StreamId id) {
    delivered = id;
    notifyAll();
  }

  /**
   * Waits, at most {@code timeout}, until the entry {@code id} was delivered; returns whether it
   * was. Returns at once when closed or interrupted (keeping the interrupt).
   */
  synchronized boolean await(StreamId id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!delivered.reached(id) && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return delivered.reached(id);
  }

  /**
   * Waits {@code millis}, or until closed; returns false if closed or interrupted (the reader
   * thread then stops).
   */
  synchronized boolean backoff(long millis) {
    if (closed) {
      return false;
    }
    try {
      wait(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !closed;
  }

  /** Wakes every waiter for good. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
