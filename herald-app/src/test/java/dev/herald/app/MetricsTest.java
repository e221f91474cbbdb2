package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.SseRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} of the real {@code herald serve}: every metric, and values that move. */
class MetricsTest {
  private static final String TOPIC = "https://example.com/books/1";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Every Herald metric and the JVM ones, as the Prometheus text format names them. */
  static final List<String> NAMES =
      List.of(
          "herald_connections_open",
          "herald_connections_accepted_total",
          "herald_streams_open",
          "herald_bytes_written_total",
          "herald_slow_consumer_cuts_total",
          "herald_subscriptions",
          "herald_updates_published_total",
          "herald_deliveries_total",
          "herald_resumes_total",
          "herald_replayed_updates_total",
          "herald_history_size",
          "herald_publish_latency_seconds_count",
          "herald_publish_latency_seconds_sum",
          "herald_publish_latency_seconds_max",
          "jvm_memory_used_bytes",
          "jvm_gc_pause_seconds",
          "jvm_threads_live_threads",
          "jvm_classes_loaded_classes",
          "process_cpu_usage",
          "system_cpu_count",
          "process_uptime_seconds");

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private HeraldProcess herald;
  private String token;

  @BeforeEach
  void startHerald() throws Exception {
    herald = HeraldProcess.start("serve", "--port", "0", "--jwt-key", Tokens.KEY);
    toClose.add(herald);
    herald.awaitListening();
    token = Tokens.all(Tokens.KEY);
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(herald.uri(path)).timeout(HeraldProcess.TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = get(Metrics.PATH);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** Returns the value of an unlabelled sample. */
  static double value(String scrape, String name) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    assertThat(m.find()).as("sample %s in:%n%s", name, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private SseRecorder subscribe(String... headers) {
    SseRecorder client = SseRecorder.open(herald.subscribeUri(TOPIC), headers);
    toClose.add(client);
    return client;
  }

  @Test
  void servesEveryMetricInThePrometheusTextFormat() throws Exception {
    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    for (String name : NAMES) {
      assertThat(response.body()).as("the scrape names %s", name).contains("\n" + name);
    }
    assertThat(response.body())
        .contains("# TYPE herald_updates_published_total counter")
        .contains("# TYPE herald_subscriptions gauge")
        .contains("# TYPE herald_publish_latency_seconds histogram")
        .contains("herald_publish_latency_seconds_bucket{le=\"0.001\"}");
    assertThat(value(response.body(), "herald_updates_published_total")).isZero();
    assertThat(value(response.body(), "herald_subscriptions")).isZero();
  }

  @Test
  void theValuesMoveWithSubscriptionsPublishesAndResumes() throws Exception {
    String before = scrape();
    String bearer = "Bearer " + token;
    SseRecorder first = subscribe("Authorization", bearer);
    SseRecorder second = subscribe("Authorization", bearer);
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    String one = herald.publish(token, TOPIC, "one");
    herald.publish(token, TOPIC, "two");
    herald.publish(token, TOPIC, "three");
    for (SseRecorder subscriber : List.of(first, second)) {
      assertThat(subscriber.next().dataString()).isEqualTo("one");
      assertThat(subscriber.next().dataString()).isEqualTo("two");
      assertThat(subscriber.next().dataString()).isEqualTo("three");
    }
    SseRecorder resumed = subscribe("Authorization", bearer, "Last-Event-ID", one);
    assertThat(resumed.next().dataString()).isEqualTo("two");
    assertThat(resumed.next().dataString()).isEqualTo("three");

    await()
        .atMost(HeraldProcess.TIMEOUT)
        .until(() -> value(scrape(), "herald_deliveries_total") == 8);
    String after = scrape();
    assertThat(value(after, "herald_subscriptions")).isEqualTo(3);
    assertThat(value(after, "herald_streams_open")).isEqualTo(3);
    assertThat(value(after, "herald_connections_open")).isGreaterThanOrEqualTo(3);
    assertThat(value(after, "herald_connections_accepted_total")).isGreaterThanOrEqualTo(3);
    assertThat(value(after, "herald_updates_published_total")).isEqualTo(3);
    assertThat(value(after, "herald_resumes_total")).isEqualTo(1);
    assertThat(value(after, "herald_replayed_updates_total")).isEqualTo(2);
    assertThat(value(after, "herald_history_size")).isEqualTo(3);
    assertThat(value(after, "herald_publish_latency_seconds_count")).isEqualTo(3);
    assertThat(value(after, "herald_publish_latency_seconds_sum")).isPositive();
    assertThat(value(after, "herald_slow_consumer_cuts_total")).isZero();
    assertThat(value(after, "herald_bytes_written_total"))
        .isGreaterThan(value(before, "herald_bytes_written_total") + 8 * "data: three\n".length());

    first.close();
    second.close();
    resumed.close();
    await().atMost(HeraldProcess.TIMEOUT).until(() -> value(scrape(), "herald_subscriptions") == 0);
    assertThat(value(scrape(), "herald_streams_open")).isZero();
  }

  @Test
  void servesTheDashboardAndItsStatsStream() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    assertThat(page.body()).contains("<title>Herald hub</title>");
    for (String asset : List.of("dashboard.js", "dashboard.css", "chart.umd.js")) {
      assertThat(get("/dashboard/" + asset).statusCode()).as(asset).isEqualTo(200);
    }
    assertThat(get("/dashboard/pom.xml").statusCode()).isEqualTo(404);

    try (SseRecorder stats = SseRecorder.open(herald.uri(Dashboard.STATS_PATH))) {
      assertThat(stats.next().type()).isEqualTo("history");
      herald.publish(token, TOPIC, "counted");
      await()
          .atMost(HeraldProcess.TIMEOUT)
          .until(() -> stats.next().dataString().contains("\"updatesPublished\":1"));
    }
  }

  @Test
  void theMetricsEndpointAnswersOnlyGet() throws Exception {
    HttpResponse<String> post =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(herald.uri("/metrics").toString()))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.body()).doesNotContain("herald_");
    assertThat(value(scrape(), "herald_updates_published_total")).isZero();
    assertThat(Duration.ofMillis((long) (value(scrape(), "process_uptime_seconds") * 1000)))
        .isPositive();
  }
}
