package dev.herald.app;

import dev.herald.hub.Broker;
import dev.herald.hub.Hub;
import dev.herald.hub.HubStats;
import dev.herald.redis.RedisBroker;
import dev.herald.server.Guard;
import dev.herald.server.Handler;
import dev.herald.server.HeraldServer;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Response;
import dev.herald.server.ServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The hub's metrics in a Micrometer Prometheus registry, served at {@code GET /metrics} in the
 * Prometheus text format: the server's and the hub's counters (read when scraped, never pushed),
 * the publish latency as a timer with a histogram, and the JVM's memory, GC, threads, class
 * loading, CPU and uptime. The names are listed in {@code docs/OPERATIONS.md}. Thread-safe.
 */
final class Metrics implements AutoCloseable {
  /** The path of the Prometheus endpoint. */
  static final String PATH = "/metrics";

  /** The content type of the Prometheus text format, version 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The publish-latency histogram's bucket bounds: 50 µs to 1 s. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(50_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofSeconds(1)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Timer publishLatency;

  Metrics() {
    publishLatency =
        Timer.builder("herald.publish.latency")
            .description("Time to store an update and hand it to every matching subscriber")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Records one publish that took {@code nanos}; the hub's publish-latency callback. */
  void recordPublish(long nanos) {
    publishLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers the server's and the hub's counters; they are read at every scrape. */
  void bind(ServerStats server, HubStats hub) {
    gauge("herald.connections.open", "Connections open now", server, ServerStats::openConnections);
    counter(
        "herald.connections.accepted",
        "Connections accepted",
        server,
        ServerStats::connectionsAccepted);
    gauge("herald.streams.open", "SSE streams open now", server, ServerStats::openStreams);
    counter(
        "herald.bytes.written", "Bytes written to connections", server, ServerStats::bytesWritten);
    counter(
        "herald.slow.consumer.cuts",
        "Streams cut because their client read too slowly",
        server,
        ServerStats::slowConsumerCuts);
    gauge("herald.subscriptions", "Subscribers connected now", hub, HubStats::subscriptions);
    counter("herald.updates.published", "Updates published", hub, HubStats::updatesPublished);
    counter(
        "herald.deliveries",
        "Updates handed to subscribers, live or replayed",
        hub,
        HubStats::deliveries);
    counter("herald.resumes", "Subscriptions that asked to resume", hub, HubStats::resumes);
    counter(
        "herald.replayed.updates",
        "Updates replayed from history on resume",
        hub,
        HubStats::replayedUpdates);
    gauge("herald.history.size", "Updates held in history now", hub, HubStats::historySize);
  }

  /**
   * Registers the broker's state: whether it accepts updates now and, on Redis, its outages,
   * refused requests and log entries missed.
   */
  void bindBroker(Hub hub, Broker broker) {
    gauge(
        "herald.broker.available",
        "1 while the broker accepts updates, 0 while it is unreachable",
        hub,
        h -> h.ready() ? 1 : 0);
    if (broker instanceof RedisBroker) {
      RedisBroker redis = (RedisBroker) broker;
      counter(
          "herald.broker.outages", "Times Redis became unreachable", redis, RedisBroker::outages);
      counter(
          "herald.broker.refused",
          "Publishes and resumes refused while Redis was unreachable",
          redis,
          RedisBroker::refused);
      counter(
          "herald.broker.missed",
          "Log entries trimmed in Redis before this instance read them",
          redis,
          RedisBroker::missed);
    }
  }

  private <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  private <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).description(description).register(registry);
  }

  /** Returns every metric in the Prometheus text format. */
  String scrape() {
    return registry.scrape();
  }

  /**
   * Adds {@code GET /metrics} to a server under construction; with a token, only for requests
   * carrying it as {@code Authorization: Bearer}, others getting a 401.
   */
  void install(HeraldServer.Builder server, @Nullable String token) {
    Handler scrape =
        request ->
            Response.builder(200)
                .header("Content-Type", CONTENT_TYPE)
                .header("Cache-Control", "no-store")
                .body(scrape())
                .build();
    if (token == null) {
      server.get(PATH, scrape);
    } else {
      server.get(PATH, scrape, bearer(token));
    }
  }

  /** Returns a guard that lets through requests with {@code Authorization: Bearer token}. */
  private static Guard bearer(String token) {
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    return request -> {
      String given = request.header("Authorization");
      // Constant time: the comparison tells nothing about how much of the token was right.
      if (given == null
          || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        throw HttpStatusException.unauthorized(
                given == null ? "metrics token required" : "invalid metrics token")
            .header("WWW-Authenticate", "Bearer realm=\"metrics\"");
      }
      return null;
    };
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
