package dev.herald.app;

import dev.herald.hub.Broker;
import dev.herald.hub.Hub;
import dev.herald.server.HeraldServer;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What {@code herald serve} adds for operators: the Prometheus endpoint ({@link Metrics}) and the
 * dashboard ({@link Dashboard}, fed by {@link StatsStream}), each of which may be switched off. Use
 * in this order: create it, pass {@link #recordPublish} to the hub's builder, {@link #install} the
 * routes, build the server, then {@link #start}.
 */
final class Monitoring implements AutoCloseable {
  /** How often the dashboard's stats are sampled. */
  static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);

  private final @Nullable Metrics metrics;
  private final @Nullable String metricsToken;
  private final @Nullable StatsStream stats;
  private final @Nullable Dashboard dashboard;

  /** Creates the metrics and the dashboard, neither protected. */
  Monitoring() {
    this(true, null, true);
  }

  /**
   * Creates what is switched on.
   *
   * @param metricsToken the token {@code /metrics} requires as {@code Authorization: Bearer}, or
   *     null for none
   */
  Monitoring(boolean metrics, @Nullable String metricsToken, boolean dashboard) {
    this.metrics = metrics ? new Metrics() : null;
    this.metricsToken = metricsToken;
    StatsStream feed = dashboard ? new StatsStream() : null;
    this.stats = feed;
    this.dashboard = feed != null ? new Dashboard(feed) : null;
  }

  /** Records one publish's duration; for {@link Hub.Builder#publishLatency}. */
  void recordPublish(long nanos) {
    if (metrics != null) {
      metrics.recordPublish(nanos);
    }
  }

  /** Adds {@code /metrics}, the dashboard at {@code /} and its stats stream to the server. */
  HeraldServer.Builder install(HeraldServer.Builder server) {
    if (metrics != null) {
      metrics.install(server, metricsToken);
    }
    if (dashboard != null) {
      dashboard.install(server);
    }
    return server;
  }

  /** Binds the metrics to the server's and the hub's counters and starts sampling them. */
  void start(HeraldServer server, Hub hub, Broker broker) {
    if (metrics != null) {
      metrics.bind(server.stats(), hub.stats());
      metrics.bindBroker(hub, broker);
    }
    if (stats != null) {
      stats.start(server.stats(), hub.stats(), SAMPLE_INTERVAL);
    }
  }

  @Override
  public void close() {
    if (stats != null) {
      stats.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }
}
