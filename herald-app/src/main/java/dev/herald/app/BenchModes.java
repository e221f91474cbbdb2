package dev.herald.app;

import dev.herald.load.Bench;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The modes of {@code herald bench}, each a subcommand. */
final class BenchModes {
  private BenchModes() {}

  /** {@code --subscribers}, of the modes that deliver every update to N subscribers. */
  static final class Subscribers {
    @Option(
        names = "--subscribers",
        paramLabel = "N",
        required = true,
        description = "Subscribers (N).")
    int count;
  }

  /** {@code --payload}, of the modes that publish updates. */
  static final class Payload {
    @Option(
        names = "--payload",
        paramLabel = "S",
        defaultValue = "100",
        description = "Bytes of data per update, at least 40 (S; default ${DEFAULT-VALUE}).")
    int bytes;
  }

  /** {@code herald bench fanout}. */
  @Command(
      name = "fanout",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "N subscribers on one topic, R updates a second of S bytes for D (after a warm-up).",
        "Reports deliveries a second, lost and duplicated deliveries (by sequence number, lost"
            + " when not received within 5 s after the end), publish-to-receive latency"
            + " (p50/p99/p99.9/max, us) and connection set-up time (ms); with --server-pid, the"
            + " server's CPU seconds, CPU us per delivery and memory."
      })
  static final class Fanout implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BenchTarget target;

    @Mixin Subscribers subscribers;

    @Option(
        names = "--rate",
        paramLabel = "R",
        required = true,
        description = "Updates a second (R).")
    int rate;

    @Mixin Payload payload;

    @Option(
        names = "--duration",
        paramLabel = "D",
        required = true,
        converter = DurationConverter.class,
        description = "Measured time, e.g. 30s, 2m (D).")
    Duration duration;

    @Option(
        names = "--warmup",
        paramLabel = "D",
        defaultValue = "5s",
        converter = DurationConverter.class,
        description =
            "Publishing before the measured time, excluded from it (default"
                + " ${DEFAULT-VALUE}).")
    Duration warmup;

    @Override
    public Integer call() {
      target.checkConnections("--subscribers", subscribers.count + 4);
      var t = target.target();
      String topic = target.topic("fanout");
      return BenchCommand.execute(
          spec,
          target,
          "herald bench fanout " + t.url(),
          () ->
              Bench.fanout(
                  t,
                  topic,
                  subscribers.count,
                  rate,
                  payload.bytes,
                  duration,
                  warmup,
                  BenchCommand.progress()));
    }
  }

  /** {@code herald bench idle}. */
  @Command(
      name = "idle",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "N SSE connections held open for a while.",
        "With --server-pid, reports the server's resident memory before and after, and per"
            + " connection."
      })
  static final class Idle implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BenchTarget target;

    @Option(
        names = "--connections",
        paramLabel = "N",
        required = true,
        description = "Connections (N).")
    int connections;

    @Option(
        names = "--hold",
        paramLabel = "D",
        defaultValue = "5s",
        converter = DurationConverter.class,
        description = "How long all are held open before measuring (default ${DEFAULT-VALUE}).")
    Duration hold;

    @Override
    public Integer call() {
      target.checkConnections("--connections", connections);
      var t = target.target();
      String topic = target.topic("idle");
      return BenchCommand.execute(
          spec,
          target,
          "herald bench idle " + t.url(),
          () -> Bench.idle(t, topic, connections, hold, BenchCommand.progress()));
    }
  }

  /** {@code herald bench saturate}. */
  @Command(
      name = "saturate",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "N subscribers; several keep-alive publishers publish as fast as the server accepts,"
            + " with at most K requests unanswered, for D.",
        "Reports the deliveries a second reached, and loss if any."
      })
  static final class Saturate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BenchTarget target;

    @Mixin Subscribers subscribers;

    @Mixin Payload payload;

    @Option(
        names = "--duration",
        paramLabel = "D",
        required = true,
        converter = DurationConverter.class,
        description = "How long to publish, e.g. 30s (D).")
    Duration duration;

    @Option(
        names = "--max-in-flight",
        paramLabel = "K",
        defaultValue = "64",
        description = "Publications awaiting a response, in all (K; default ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
        names = "--publishers",
        paramLabel = "P",
        defaultValue = "8",
        description = "Publisher connections (P; default ${DEFAULT-VALUE}).")
    int publishers;

    @Override
    public Integer call() {
      target.checkConnections("--subscribers", subscribers.count + publishers);
      var t = target.target();
      String topic = target.topic("saturate");
      return BenchCommand.execute(
          spec,
          target,
          "herald bench saturate " + t.url(),
          () ->
              Bench.saturate(
                  t,
                  topic,
                  subscribers.count,
                  payload.bytes,
                  duration,
                  maxInFlight,
                  publishers,
                  BenchCommand.progress()));
    }
  }

  /** {@code herald bench resume}. */
  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "N clients receive an update, disconnect, miss M updates, and all reconnect at once"
            + " with Last-Event-ID.",
        "Reports the time until each had every missed update (p50/p99/max, ms), the total, and"
            + " lost and duplicated deliveries. The server's history must hold M + 1 updates."
      })
  static final class Resume implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BenchTarget target;

    @Option(names = "--clients", paramLabel = "N", required = true, description = "Clients (N).")
    int clients;

    @Option(
        names = "--missed",
        paramLabel = "M",
        required = true,
        description = "Updates missed by each (M).")
    int missed;

    @Override
    public Integer call() {
      target.checkConnections("--clients", clients + 1);
      var t = target.target();
      String topic = target.topic("resume");
      return BenchCommand.execute(
          spec,
          target,
          "herald bench resume " + t.url(),
          () -> Bench.resume(t, topic, clients, missed, BenchCommand.progress()));
    }
  }
}
