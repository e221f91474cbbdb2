package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --no-dashboard}, {@code --no-metrics} and {@code --metrics-token} of the real {@code
 * herald serve}, in its own JVM.
 */
class MonitoringSwitchesTest {
  private static final String METRICS_TOKEN = "scrape-secret-0123456789";

  @TempDir Path dir;
  @RegisterExtension final Heralds heralds = new Heralds();

  private HeraldProcess serve(Map<String, String> env, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0", "--jwt-key", Tokens.KEY));
    all.addAll(List.of(args));
    return heralds.start(env, all.toArray(String[]::new));
  }

  @Test
  void withoutDashboardAndMetricsOnlyTheHubAndHealthAnswer() throws Exception {
    HeraldProcess herald = serve(Map.of(), "--no-dashboard", "--no-metrics");
    herald.awaitListening();

    assertThat(herald.get("/").statusCode()).isEqualTo(404);
    assertThat(herald.get("/dashboard/dashboard.js").statusCode()).isEqualTo(404);
    assertThat(herald.status("/dashboard/stats")).isEqualTo(404);
    assertThat(herald.get("/metrics").statusCode()).isEqualTo(404);
    assertThat(herald.get("/healthz").statusCode()).isEqualTo(200);
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

    HttpResponse<String> none = herald.get("/metrics");
    HttpResponse<String> wrong = herald.get("/metrics", "Authorization", "Bearer nope");
    HttpResponse<String> right = herald.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo("metrics token required\n");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"metrics\"");
    assertThat(none.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).isEqualTo("invalid metrics token\n");
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(right.body()).contains("herald_connections_open");
    assertThat(herald.get("/").statusCode()).as("the dashboard").isEqualTo(200);
    assertThat(herald.status("/dashboard/stats")).isEqualTo(200);
    assertThat(String.join("\n", herald.stderr())).doesNotContain(METRICS_TOKEN);
  }

  @Test
  void theTokenAlsoComesFromTheEnvironment() throws Exception {
    HeraldProcess herald = serve(Map.of("HERALD_METRICS_TOKEN", METRICS_TOKEN));
    herald.awaitListening();

    assertThat(herald.get("/metrics").statusCode()).isEqualTo(401);
    assertThat(herald.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN).statusCode())
        .isEqualTo(200);
  }
}
