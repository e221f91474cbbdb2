package dev.herald.load.internal;

import java.util.concurrent.atomic.AtomicLong;

/** The publication schedules of the modes; each is safe to share between publishers. */
final class Schedules {
  private Schedules() {}

  /** A schedule that knows how many sequence numbers it handed out. */
  abstract static class Counted implements HubPublisher.Schedule {
    final AtomicLong next = new AtomicLong();
    private volatile boolean stopped;

    /** Ends the schedule early: nothing more is handed out. */
    void stop() {
      stopped = true;
    }

    /** Returns whether {@link #stop()} was called. */
    boolean stopped() {
      return stopped;
    }

    @Override
    public final long next() {
      return stopped ? -1 : nextDue();
    }

    /** Returns the next sequence number due now, or -1. */
    abstract long nextDue();

    /** Returns how many sequence numbers were handed out. */
    long issued() {
      return next.get();
    }

    /** Returns whether no sequence number will be handed out any more. */
    abstract boolean done();
  }

  /**
   * Returns {@code total} updates at {@code rate} a second, from the first call on: update {@code
   * i} is due at {@code start + i / rate}, so a late tick catches up instead of drifting.
   */
  static Counted paced(long rate, long total) {
    return new Counted() {
      private long start = -1;

      @Override
      synchronized long nextDue() {
        long now = Payload.now();
        if (start < 0) {
          start = now;
        }
        long n = next.get();
        if (n >= total || n > (long) ((now - start) * (rate / 1e9))) {
          return -1;
        }
        return next.getAndIncrement();
      }

      @Override
      boolean done() {
        return stopped() || next.get() >= total;
      }
    };
  }

  /**
   * Returns updates as fast as they are accepted until {@code deadline} ({@link Payload#now()}).
   */
  static Counted untilDeadline(long deadline) {
    return new Counted() {
      @Override
      long nextDue() {
        if (Payload.now() >= deadline || next.get() >= Integer.MAX_VALUE) {
          return -1;
        }
        return next.getAndIncrement();
      }

      @Override
      boolean done() {
        return stopped() || Payload.now() >= deadline || next.get() >= Integer.MAX_VALUE;
      }
    };
  }

  /** Returns {@code count} updates numbered from {@code first}, as fast as they are accepted. */
  static Counted fixed(long first, long count) {
    return new Counted() {
      @Override
      long nextDue() {
        long n = next.getAndUpdate(v -> v < count ? v + 1 : v);
        return n < count ? first + n : -1;
      }

      @Override
      boolean done() {
        return stopped() || next.get() >= count;
      }
    };
  }
}
