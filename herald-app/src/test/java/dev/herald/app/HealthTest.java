package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void readinessFollowsEveryNamedCheckAndNamesThoseThatFail() throws Exception {
    AtomicBoolean server = new AtomicBoolean(true);
    AtomicBoolean broker = new AtomicBoolean(false);
    Health health =
        new Health()
            .check("server", server::get)
            .check("broker", broker::get)
            .check(
                "flaky",
                () -> {
                  throw new IllegalStateException("a check that throws is not ready");
                });
    try (HeraldServer running =
        health.install(HeraldServer.builder().host("127.0.0.1").port(0)).build().start()) {
      HttpResponse<String> notReady = get(running, "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("not ready: broker, flaky\n");
      assertThat(notReady.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(get(running, "/healthz").statusCode()).as("alive all the same").isEqualTo(200);

      Health ready = new Health().check("server", server::get).check("broker", () -> true);
      assertThat(ready.failing()).isEmpty();
      server.set(false);
      assertThat(ready.failing()).containsExactly("server");
    }
  }

  private static HttpResponse<String> get(HeraldServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
