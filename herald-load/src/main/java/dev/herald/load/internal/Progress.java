package dev.herald.load.internal;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Prints one progress line a second, on its own daemon thread, until closed. */
final class Progress implements AutoCloseable {
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "herald-load-progress");
            t.setDaemon(true);
            return t;
          });
  private final long start = System.nanoTime();
  private volatile String phase = "connecting";

  Progress(String mode, PrintStream out, Supplier<String> line) {
    timer.scheduleAtFixedRate(
        () -> {
          long seconds = (System.nanoTime() - start) / 1_000_000_000L;
          String text;
          try {
            text = line.get();
          } catch (RuntimeException e) {
            text = "(no progress: " + e + ")"; // a scheduled task that throws is never run again
          }
          out.println("[" + mode + " " + seconds + "s " + phase + "] " + text);
        },
        1,
        1,
        TimeUnit.SECONDS);
  }

  /** Sets the phase shown in the lines from now on, such as {@code publishing}. */
  void phase(String phase) {
    this.phase = phase;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
