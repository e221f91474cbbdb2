package dev.herald.load.internal;

import dev.herald.load.BenchException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waiting on the run's thread; never on an event loop. */
final class Waits {
  private static final long PAUSE_MILLIS = 5;

  private Waits() {}

  /** Waits a few milliseconds. */
  static void pause() {
    sleepNanos(TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS));
  }

  /** Waits until {@code System.nanoTime()} reaches {@code deadline}. */
  static void until(long deadline) {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      sleepNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
    }
  }

  /**
   * Waits until the condition holds or the deadline passes, and returns whether it holds. Checks
   * {@code failure} on each turn, which throws to abort.
   */
  static boolean until(BooleanSupplier condition, long deadline, Runnable failure) {
    while (!condition.getAsBoolean()) {
      failure.run();
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause();
    }
    return true;
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }
}
