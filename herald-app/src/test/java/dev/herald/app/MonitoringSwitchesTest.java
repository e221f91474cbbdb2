package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --no-dashboard}, {@code --no-metrics} and {@code --metrics-token} of the real {@code
 * herald serve}, in its own JVM.
 */
class MonitoringSwitchesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String METRICS_TOKEN = "scrape-secret-0123456789";

  @TempDir Path dir;
  private final List<HeraldProcess> started = new ArrayList<>();

  @AfterEach
  void stopHerald() {
    started.forEach(HeraldProcess::close);
  }

  private HeraldProcess serve(Map<String, String> env, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0", "--jwt-key", Tokens.KEY));
    all.addAll(List.of(args));
    HeraldProcess herald = HeraldProcess.start(env, all.toArray(String[]::new));
    started.add(herald);
    return herald;
  }

  private static HttpResponse<String> get(HeraldProcess herald, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(herald.uri(path)).timeout(HeraldProcess.TIMEOUT);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Returns the status of a GET whose body is not read (an SSE stream), closing it. */
  private static int status(HeraldProcess herald, String path) throws Exception {
    HttpResponse<InputStream> response =
        HTTP.send(
            HttpRequest.newBuilder(herald.uri(path)).timeout(HeraldProcess.TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    response.body().close();
    return response.statusCode();
  }

  @Test
  void withoutDashboardAndMetricsOnlyTheHubAndHealthAnswer() throws Exception {
    HeraldProcess herald = serve(Map.of(), "--no-dashboard", "--no-metrics");
    herald.awaitListening();

    assertThat(get(herald, "/").statusCode()).isEqualTo(404);
    assertThat(get(herald, "/dashboard/dashboard.js").statusCode()).isEqualTo(404);
    assertThat(status(herald, "/dashboard/stats")).isEqualTo(404);
    assertThat(get(herald, "/metrics").statusCode()).isEqualTo(404);
    assertThat(get(herald, "/healthz").statusCode()).isEqualTo(200);
    herald.publish(Tokens.all(Tokens.KEY), "https://example.com/t", "x");

    herald.terminate();
    assertThat(herald.awaitExit()).isZero();
    assertThat(herald.stderr())
        .filteredOn(l -> l.contains("started: hub at"))
        .singleElement()
        .asString()
        .contains("dashboard off, metrics off");
  }

  @Test
  void aMetricsTokenFromTheConfigFileProtectsMetricsOnly() throws Exception {
    Path config =
        Files.write(dir.resolve("herald.conf"), List.of("metrics-token = " + METRICS_TOKEN));
    HeraldProcess herald = serve(Map.of("HERALD_CONFIG", config.toString()));
    herald.awaitListening();

    HttpResponse<String> none = get(herald, "/metrics");
    HttpResponse<String> wrong = get(herald, "/metrics", "Authorization", "Bearer nope");
    HttpResponse<String> right =
        get(herald, "/metrics", "Authorization", "Bearer " + METRICS_TOKEN);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo("metrics token required\n");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"metrics\"");
    assertThat(none.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).isEqualTo("invalid metrics token\n");
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(right.body()).contains("herald_connections_open");
    assertThat(get(herald, "/").statusCode()).as("the dashboard").isEqualTo(200);
    assertThat(status(herald, "/dashboard/stats")).isEqualTo(200);
    assertThat(String.join("\n", herald.stderr())).doesNotContain(METRICS_TOKEN);
  }

  @Test
  void theTokenAlsoComesFromTheEnvironment() throws Exception {
    HeraldProcess herald = serve(Map.of("HERALD_METRICS_TOKEN", METRICS_TOKEN));
    herald.awaitListening();

    assertThat(get(herald, "/metrics").statusCode()).isEqualTo(401);
    assertThat(get(herald, "/metrics", "Authorization", "Bearer " + METRICS_TOKEN).statusCode())
        .isEqualTo(200);
  }
}
