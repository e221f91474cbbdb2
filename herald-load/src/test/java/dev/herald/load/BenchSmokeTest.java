package dev.herald.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
import dev.herald.server.HeraldServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs each mode briefly against a real embedded hub (in this JVM, so this JVM's pid is the
 * server's) and checks the accounting: nothing lost or duplicated, and every key present. Never
 * asserts on timing.
 */
class BenchSmokeTest {
  private static final String KEY = "smoke-test-key-of-at-least-32-bytes!";
  private static final long PID = ProcessHandle.current().pid();

  private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
  private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);
  private Hub hub;
  private HeraldServer server;
  private URI url;

  @BeforeEach
  void startHub() {
    hub = Hub.builder().jwtKey(JwtKey.hmac(KEY)).anonymous(true).build();
    server = hub.install(HeraldServer.builder().host("127.0.0.1").port(0)).build().start();
    url = URI.create("http://127.0.0.1:" + server.port() + "/.well-known/mercure");
  }

  @AfterEach
  void stopHub() {
    server.close();
    hub.close();
  }

  private LoadTarget target(String publisherToken) {
    return new LoadTarget(
        url,
        List.of(),
        publisherToken,
        null,
        LoadTarget.defaultSourceAddresses(url),
        PID,
        1,
        Duration.ofSeconds(30));
  }

  static String token(String key) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader(JWSAlgorithm.HS256),
              new JWTClaimsSet.Builder()
                  .claim("mercure", Map.of("publish", List.of("*"), "subscribe", List.of("*")))
                  .build());
      jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void fanoutDeliversEveryUpdateToEverySubscriberOnce() {
    BenchReport report =
        Bench.fanout(
            target(token(KEY)),
            "https://example.com/smoke",
            20,
            50,
            100,
            Duration.ofSeconds(2),
            Duration.ofMillis(500),
            progress);

    JsonNode json = report.node();
    assertThat(json.get("mode").asText()).isEqualTo("fanout");
    long published = json.get("published").asLong();
    if (!json.get("behindSchedule").asBoolean()) { // only a machine > 5 s behind stops early
      // The updates issued after the warm-up time: 100 of the 125, a few more when the
      // publishers connected late in the warm-up and the schedule had not reached 25 by its end.
      assertThat(published).isBetween(100L, 125L);
    }
    assertThat(published).isPositive();
    assertThat(json.get("expectedDeliveries").asLong()).isEqualTo(published * 20);
    assertThat(json.get("delivered").asLong()).isEqualTo(published * 20);
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.get("duplicated").asLong()).isZero();
    assertThat(json.get("disconnected").asLong()).isZero();
    assertThat(json.get("deliveriesPerSecond").asDouble()).isPositive();
    assertThat(json.get("latencyMicros").get("max").asLong())
        .isGreaterThanOrEqualTo(json.get("latencyMicros").get("p50").asLong());
    assertThat(json.get("latencyMicros").has("p999")).isTrue();
    assertThat(json.get("connectMillis").has("p99")).isTrue();
    assertThat(json.get("server").get("cpuSeconds").asDouble()).isNotNegative();
    assertThat(json.get("server").get("peakRssKiB").asLong()).isPositive();
    assertThat(json.get("serverCpuMicrosPerDelivery").isNumber()).isTrue();
    assertThat(json.get("loadToolCpuSeconds").asDouble()).isNotNegative();
    assertThat(report.table()).contains("latencyMicros.p99").contains("lost");
    assertThat(progressBytes.toString(StandardCharsets.UTF_8))
        .contains("[fanout ")
        .doesNotContain("no progress");
  }

  @Test
  void idleHoldsConnectionsAndMeasuresServerMemory() {
    BenchReport report =
        Bench.idle(target(null), "https://example.com/idle", 50, Duration.ZERO, progress);

    JsonNode json = report.node();
    assertThat(json.get("connections").asInt()).isEqualTo(50);
    assertThat(json.get("rssBeforeKiB").asLong()).isPositive();
    assertThat(json.get("rssAfterKiB").asLong()).isPositive();
    assertThat(json.get("rssPerConnectionBytes").isIntegralNumber()).isTrue();
    assertThat(json.get("disconnected").asInt()).isZero();
    assertThat(json.get("connectMillis").get("max").asDouble()).isPositive();
  }

  @Test
  void saturateLosesNothing() {
    BenchReport report =
        Bench.saturate(
            target(token(KEY)),
            "https://example.com/saturate",
            10,
            100,
            Duration.ofSeconds(1),
            8,
            2,
            progress);

    JsonNode json = report.node();
    assertThat(json.get("published").asLong()).isPositive();
    assertThat(json.get("delivered").asLong()).isEqualTo(json.get("published").asLong() * 10);
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.get("duplicated").asLong()).isZero();
    assertThat(json.get("publishers").asInt()).isEqualTo(2);
  }

  @Test
  void resumeReplaysEveryMissedUpdateOnce() {
    BenchReport report =
        Bench.resume(target(token(KEY)), "https://example.com/resume", 20, 50, progress);

    JsonNode json = report.node();
    assertThat(json.get("clients").asInt()).isEqualTo(20);
    assertThat(json.get("caughtUp").asInt()).isEqualTo(20);
    assertThat(json.get("expectedDeliveries").asLong()).isEqualTo(1000);
    assertThat(json.get("delivered").asLong()).isEqualTo(1000);
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.get("duplicated").asLong()).isZero();
    assertThat(json.get("catchUpMillis").get("max").asDouble()).isPositive();
    assertThat(json.get("totalMillis").asDouble()).isPositive();
  }

  @Test
  void aRefusedPublicationFailsTheRunWithTheServersAnswer() {
    LoadTarget badToken = target(token("another-key-of-at-least-32-bytes!!!!"));

    assertThatThrownBy(
            () ->
                Bench.fanout(
                    badToken,
                    "https://example.com/refused",
                    2,
                    20,
                    50,
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    progress))
        .isInstanceOf(BenchException.class)
        .hasMessageStartingWith("publication refused: HTTP 401");
  }

  @Test
  void publicationsRefusedAsOverloadAreCountedAndTheRunGoesOn() {
    // A real hub limiting its publisher to 5 updates/s answers 429 to most of 50/s.
    Hub limited = Hub.builder().jwtKey(JwtKey.hmac(KEY)).anonymous(true).publishRate(5, 1).build();
    HeraldServer other =
        limited.install(HeraldServer.builder().host("127.0.0.1").port(0)).build().start();
    try {
      URI otherUrl = URI.create("http://127.0.0.1:" + other.port() + "/.well-known/mercure");
      LoadTarget limitedTarget =
          new LoadTarget(
              otherUrl,
              List.of(),
              token(KEY),
              null,
              LoadTarget.defaultSourceAddresses(otherUrl),
              PID,
              1,
              Duration.ofSeconds(30));

      JsonNode json =
          Bench.fanout(
                  limitedTarget,
                  "https://example.com/limited",
                  5,
                  50,
                  50,
                  Duration.ofSeconds(2),
                  Duration.ZERO,
                  progress)
              .node();

      assertThat(json.get("refusedPublishes").asLong()).isPositive();
      assertThat(json.get("published").asLong()).isPositive();
      assertThat(json.get("lost").asLong()).isZero();
      assertThat(json.get("duplicated").asLong()).isZero();
      assertThat(json.get("delivered").asLong()).isEqualTo(json.get("published").asLong() * 5);
    } finally {
      other.close();
      limited.close();
    }
  }

  @Test
  void aRefusedSubscriptionFailsTheRun() {
    Hub closed = Hub.builder().jwtKey(JwtKey.hmac(KEY)).build(); // no anonymous subscribers
    HeraldServer other = closed.install(HeraldServer.builder().port(0)).build().start();
    try {
      URI otherUrl = URI.create("http://127.0.0.1:" + other.port() + "/.well-known/mercure");
      assertThatThrownBy(
              () ->
                  Bench.idle(
                      LoadTarget.of(otherUrl), "https://example.com/x", 3, Duration.ZERO, progress))
          .isInstanceOf(BenchException.class)
          .hasMessageContaining("of 3 subscriptions failed")
          .hasMessageContaining("HTTP 401");
    } finally {
      other.close();
      closed.close();
    }
  }

  @Test
  void aServerThatIsNotThereFailsFast() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    LoadTarget nobody =
        LoadTarget.of(URI.create("http://127.0.0.1:" + port + "/.well-known/mercure"));

    assertThatThrownBy(() -> Bench.idle(nobody, "t", 2, Duration.ZERO, progress))
        .isInstanceOf(BenchException.class)
        .hasMessageContaining("cannot connect");
  }

  @Test
  void refusesMoreConnectionsThanAProcessMayOpen() {
    assertThatThrownBy(
            () -> Bench.idle(target(null), "t", Bench.MAX_CONNECTIONS + 1, Duration.ZERO, progress))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connections: 19001 (expected: <= ");
  }
}
