package dev.herald.app;

import static java.net.http.HttpResponse.BodyHandlers.ofString;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code herald serve --redis}: option checks, and a hub that starts while Redis is down. */
class ServeRedisOptionsTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  static Stream<Arguments> invalidOptions() {
    return Stream.of(
        Arguments.of((Object) new String[] {"serve", "--redis", "http://127.0.0.1:6379"}),
        Arguments.of(
            (Object)
                new String[] {"serve", "--redis", "redis://127.0.0.1:1", "--history-dir", "/tmp"}),
        Arguments.of(
            (Object)
                new String[] {"serve", "--redis", "redis://127.0.0.1:1", "--history-size", "0"}));
  }

  @ParameterizedTest(name = "herald {0}")
  @MethodSource("invalidOptions")
  void invalidRedisOptionsExitWithTwoAndOneLineOnStderr(String[] args) throws Exception {
    HeraldProcess herald = HeraldProcess.start(args);
    toClose.add(herald);

    int code = herald.awaitExit();

    assertThat(herald.stderr()).as("stderr").singleElement().asString().startsWith("herald: ");
    assertThat(code).as("exit code; stderr %s", herald.stderr()).isEqualTo(2);
  }

  @Test
  void aHubWhoseRedisIsDownStartsRefusesPublishingAndSaysSoOnce() throws Exception {
    HeraldProcess herald =
        HeraldProcess.start(
            Map.of("HERALD_REDIS", "redis://127.0.0.1:1"),
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY);
    toClose.add(herald);
    herald.awaitListening();

    var response = herald.post(Tokens.all(Tokens.KEY), "https://example.com/a", "refused");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(herald.stderr().stream().filter(l -> l.contains("Redis unavailable"))).hasSize(1);
    HttpClient http = HttpClient.newHttpClient();
    var ready = http.send(HttpRequest.newBuilder(herald.uri("/readyz")).build(), ofString());
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("broker");
    String scrape =
        http.send(HttpRequest.newBuilder(herald.uri("/metrics")).build(), ofString()).body();
    assertThat(MetricsTest.value(scrape, "herald_broker_available")).isZero();
    assertThat(MetricsTest.value(scrape, "herald_broker_refused_total")).isPositive();
  }
}
