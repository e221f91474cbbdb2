package dev.herald.load;

import dev.herald.load.internal.DeliveryRun;
import dev.herald.load.internal.IdleRun;
import dev.herald.load.internal.Payload;
import dev.herald.load.internal.ProcStats;
import dev.herald.load.internal.ResumeRun;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs load against any server speaking the Mercure subset: subscribe with {@code GET
 * <url>?topic=<topic>} ({@code text/event-stream}), publish with {@code POST <url>} (form {@code
 * topic}, {@code data}, answered 200). Each method blocks until its run ends, prints one progress
 * line a second to the given stream, and returns the report.
 *
 * <p>Every wait is bounded by the target's {@linkplain LoadTarget#timeout() time-out}: a server
 * that stops answering makes a run fail with a {@link BenchException}, never hang.
 */
public final class Bench {
  /** The most connections one process opens: {@value}, under an open-files limit of 20,000. */
  public static final int MAX_CONNECTIONS = 19_000;

  /** The files a process keeps for itself (jars, epoll, pipes) under its open-files limit. */
  private static final int RESERVED_FILES = 1_000;

  private Bench() {}

  /**
   * Returns the most connections this process may open: {@link #MAX_CONNECTIONS}, or fewer when the
   * open-files limit ({@code ulimit -n}) minus 1,000 is lower.
   */
  public static int maxConnections() {
    long limit = ProcStats.openFilesLimit();
    return limit < 0 ? MAX_CONNECTIONS : (int) Math.min(MAX_CONNECTIONS, limit - RESERVED_FILES);
  }

  /**
   * Checks that a run may open {@code connections} connections.
   *
   * @throws IllegalArgumentException if it is more than {@link #maxConnections()}
   */
  public static void checkConnections(int connections) {
    int max = maxConnections();
    if (connections > max) {
      throw new IllegalArgumentException(
          "connections: "
              + connections
              + " (expected: <= "
              + max
              + " per process, open-files limit "
              + ProcStats.openFilesLimit()
              + "; run several processes)");
    }
  }

  /**
   * Runs a fan-out: {@code subscribers} streams on {@code topic}, {@code rate} updates a second of
   * {@code payloadBytes} bytes for {@code warmup} plus {@code duration}; reports deliveries, loss,
   * duplicates and publish-to-receive latency of the updates after the warm-up.
   *
   * @throws IllegalArgumentException if a number is out of range
   * @throws BenchException if the server refuses, fails or stops answering
   */
  public static BenchReport fanout(
      LoadTarget target,
      String topic,
      int subscribers,
      int rate,
      int payloadBytes,
      Duration duration,
      Duration warmup,
      PrintStream progress) {
    checkCommon(target, topic, progress);
    checkPositive("subscribers", subscribers);
    checkPositive("rate", rate);
    checkPayload(payloadBytes);
    checkDuration("duration", duration, false);
    checkDuration("warmup", warmup, true);
    checkConnections(subscribers + 4);
    return new BenchReport(
        DeliveryRun.fanout(
            target, topic, subscribers, rate, payloadBytes, duration, warmup, progress));
  }

  /**
   * Runs an idle test: opens {@code connections} streams, holds them for {@code hold}, and reports
   * the server's resident memory before and after (with a server pid).
   *
   * @throws IllegalArgumentException if a number is out of range
   * @throws BenchException if the server refuses, fails or stops answering
   */
  public static BenchReport idle(
      LoadTarget target, String topic, int connections, Duration hold, PrintStream progress) {
    checkCommon(target, topic, progress);
    checkPositive("connections", connections);
    checkDuration("hold", hold, true);
    checkConnections(connections);
    return new BenchReport(IdleRun.run(target, topic, connections, hold, progress));
  }

  /**
   * Runs a saturation: {@code subscribers} streams, and {@code publishers} connections publishing
   * as fast as the server accepts, at most {@code maxInFlight} requests unanswered in all, for
   * {@code duration}; reports the deliveries a second, and loss.
   *
   * @throws IllegalArgumentException if a number is out of range
   * @throws BenchException if the server refuses, fails or stops answering
   */
  public static BenchReport saturate(
      LoadTarget target,
      String topic,
      int subscribers,
      int payloadBytes,
      Duration duration,
      int maxInFlight,
      int publishers,
      PrintStream progress) {
    checkCommon(target, topic, progress);
    checkPositive("subscribers", subscribers);
    checkPayload(payloadBytes);
    checkDuration("duration", duration, false);
    checkPositive("maxInFlight", maxInFlight);
    checkPositive("publishers", publishers);
    if (publishers > maxInFlight) {
      throw new IllegalArgumentException(
          "publishers: " + publishers + " (expected: <= maxInFlight " + maxInFlight + ")");
    }
    if ((maxInFlight + publishers - 1) / publishers > DeliveryRun.MAX_PIPELINED) {
      throw new IllegalArgumentException(
          "maxInFlight: "
              + maxInFlight
              + " (expected: <= "
              + DeliveryRun.MAX_PIPELINED
              + " per publisher connection; add publishers)");
    }
    checkConnections(subscribers + publishers);
    return new BenchReport(
        DeliveryRun.saturate(
            target, topic, subscribers, payloadBytes, duration, maxInFlight, publishers, progress));
  }

  /**
   * Runs a resume: {@code clients} streams receive one update and disconnect, {@code missed}
   * updates are published, and all reconnect at once with {@code Last-Event-ID}; reports the time
   * until each had every missed update, and loss and duplicates. The server's history must hold
   * {@code missed + 1} updates.
   *
   * @throws IllegalArgumentException if a number is out of range
   * @throws BenchException if the server refuses, fails or stops answering
   */
  public static BenchReport resume(
      LoadTarget target, String topic, int clients, int missed, PrintStream progress) {
    checkCommon(target, topic, progress);
    checkPositive("clients", clients);
    checkPositive("missed", missed);
    checkConnections(clients + 1);
    return new BenchReport(ResumeRun.run(target, topic, clients, missed, progress));
  }

  private static void checkCommon(LoadTarget target, String topic, PrintStream progress) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(progress, "progress");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("topic: '' (expected: not empty)");
    }
  }

  private static void checkPositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  private static void checkPayload(int bytes) {
    if (bytes < Payload.MIN_SIZE || bytes > Payload.MAX_SIZE) {
      throw new IllegalArgumentException(
          "payload: "
              + bytes
              + " (expected: "
              + Payload.MIN_SIZE
              + " to "
              + Payload.MAX_SIZE
              + " bytes)");
    }
  }

  private static void checkDuration(String name, Duration d, boolean zeroAllowed) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException(
          name + ": " + d + " (expected: " + (zeroAllowed ? ">= 0" : "> 0") + ")");
    }
  }
}
