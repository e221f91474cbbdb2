package dev.herald.app;

import dev.herald.hub.Broker;
import dev.herald.hub.Hub;
import dev.herald.server.HeraldServer;
import java.time.Duration;

/**
 * What {@code herald serve} adds for operators: the Prometheus endpoint ({@link Metrics}) and the
 * dashboard ({@link Dashboard}, fed by {@link StatsStream}). Use in this order: create it, pass
 * {@link #recordPublish} to the hub's builder, {@link #install} the routes, build the server, then
 * {@link #start}.
 */
final class Monitoring implements AutoCloseable {
  /** How often the dashboard's stats are sampled. */
  static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);

  private final Metrics metrics = new Metrics();
  private final StatsStream stats = new StatsStream();
  private final Dashboard dashboard = new Dashboard(stats);

  /** Records one publish's duration; for {@link Hub.Builder#publishLatency}. */
  void recordPublish(long nanos) {
    metrics.recordPublish(nanos);
  }

  /** Adds {@code /metrics}, the dashboard at {@code /} and its stats stream to the server. */
  HeraldServer.Builder install(HeraldServer.Builder server) {
    metrics.install(server);
    dashboard.install(server);
    return server;
  }

  /** Binds the metrics to the server's and the hub's counters and starts sampling them. */
  void start(HeraldServer server, Hub hub, Broker broker) {
    metrics.bind(server.stats(), hub.stats());
    metrics.bindBroker(hub, broker);
    stats.start(server.stats(), hub.stats(), SAMPLE_INTERVAL);
  }

  /** Returns the metrics, for tests. */
  Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    stats.close();
    metrics.close();
  }
}
