package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.SseRecorder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an operator meets in the real {@code herald serve}: configuration sources, limits, health
 * endpoints and logs.
 */
class ServeOperationsTest {
  private static final String TOPIC = "https://example.com/books/1";
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @TempDir Path dir;
  @RegisterExtension final Heralds heralds = new Heralds();

  @Test
  void takesEachOptionFromFlagThenEnvironmentThenConfigFile() throws Exception {
    Path config =
        Files.write(
            dir.resolve("herald.conf"),
            List.of(
                "# the file says port 1 and the wrong key; the flag and the environment win",
                "port = 1",
                "jwt-key = " + Tokens.OTHER_KEY,
                "anonymous: true"));
    HeraldProcess herald =
        heralds.start(
            Map.of("HERALD_JWT_KEY", Tokens.KEY, "HERALD_CONFIG", config.toString()),
            "serve",
            "--port",
            "0");
    herald.awaitListening();

    assertThat(herald.port()).isNotEqualTo(1);
    assertThat(herald.post(Tokens.all(Tokens.KEY), TOPIC, "x").statusCode()).isEqualTo(200);
    assertThat(herald.post(Tokens.all(Tokens.OTHER_KEY), TOPIC, "x").statusCode())
        .as("a token signed with the file's key")
        .isEqualTo(401);
    assertThat(herald.status("/.well-known/mercure?topic=x"))
        .as("anonymous from the file: the stream opens")
        .isEqualTo(200);
  }

  static Stream<Arguments> invalidConfigurations() {
    return Stream.of(
        Arguments.of("prot = 8080", "unknown key 'prot'"),
        Arguments.of("port = abc", "'abc' is not an int (from config file"),
        Arguments.of("write-timeout = soon", "invalid duration 'soon'"),
        Arguments.of("max-connections = -1", "--max-connections: -1 (expected: >= 0)"),
        Arguments.of("max-body-size = 0", "invalid size '0'"),
        Arguments.of("publish-rate = fast", "invalid rate 'fast'"),
        Arguments.of("max-topics = 0", "--max-topics: 0 (expected: > 0)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigurations")
  void invalidConfigurationExitsWithTwoAndOneLine(String line, String message) throws Exception {
    Path config = Files.write(dir.resolve("bad.conf"), List.of(line));
    HeraldProcess herald = heralds.start(Map.of(), "serve", "--config", config.toString());

    assertThat(herald.awaitExit()).isEqualTo(2);
    assertThat(herald.stderr()).singleElement().asString().startsWith("herald: ").contains(message);
    assertThat(herald.stdout()).isEmpty();
  }

  @Test
  void healthAndReadinessAnswerWhileServing() throws Exception {
    HeraldProcess herald = heralds.start(Map.of(), "serve", "--port", "0", "--jwt-key", Tokens.KEY);
    herald.awaitListening();

    HttpResponse<String> live = herald.get("/healthz");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("ok\n");
    HttpResponse<String> ready = herald.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
  }

  @Test
  void logsOneStartLineWithoutSecretsAndAStopLine() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of(),
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--max-connections",
            "77",
            "--publish-rate",
            "5/s");
    herald.awaitListening();
    herald.terminate();
    assertThat(herald.awaitExit()).isZero();

    assertThat(herald.stderr())
        .filteredOn(l -> l.contains("started: hub at http://"))
        .singleElement()
        .asString()
        .contains("max connections 77", "publish rate 5.0/s (burst 5)", "access log off");
    assertThat(herald.stderr()).anyMatch(l -> l.contains("stopped in "));
    assertThat(String.join("\n", herald.stderr())).doesNotContain(Tokens.KEY);
  }

  @Test
  void accessLogNeverContainsATokenOrACookie() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of(),
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--anonymous",
            "--access-log");
    herald.awaitListening();
    String queryToken = Tokens.mint(Tokens.KEY, List.of(), List.of("query"));
    String cookieToken = Tokens.mint(Tokens.KEY, List.of(), List.of("cookie"));
    String headerToken = Tokens.all(Tokens.KEY);

    // an SSE stream authorized by the query, logged when the client leaves
    try (RawHttp raw = new RawHttp(herald.port())) {
      raw.send(
          "GET /.well-known/mercure?topic=x&authorization="
              + queryToken
              + " HTTP/1.1\r\nHost: x\r\nCookie: session=s3cr3t-cookie\r\n\r\n");
      assertThat(raw.readUntil("\r\n\r\n", HeraldProcess.TIMEOUT)).startsWith("HTTP/1.1 200");
    }
    HttpResponse<String> withCookie =
        HTTP.send(
            HttpRequest.newBuilder(herald.uri("/.well-known/mercure?topic=y"))
                .header("Cookie", "mercureAuthorization=" + cookieToken)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(withCookie.statusCode()).isEqualTo(405);
    herald.publish(headerToken, TOPIC, "x");

    await()
        .atMost(HeraldProcess.TIMEOUT)
        .until(() -> herald.stderr().stream().filter(l -> l.contains(" access - ")).count() >= 3);
    List<String> access = herald.stderr().stream().filter(l -> l.contains(" access - ")).toList();
    assertThat(access)
        .anyMatch(
            l ->
                l.contains("127.0.0.1 GET /.well-known/mercure?topic=x&authorization=*** 200 ")
                    && l.endsWith("(closed)"))
        .anyMatch(l -> l.contains("127.0.0.1 HEAD /.well-known/mercure?topic=y 405 "))
        .anyMatch(l -> l.contains("127.0.0.1 POST /.well-known/mercure 200 "));
    String everything = String.join("\n", herald.stderr()) + String.join("\n", herald.stdout());
    for (String secret :
        List.of(queryToken, cookieToken, headerToken, "s3cr3t-cookie", signature(queryToken))) {
      assertThat(everything).doesNotContain(secret);
    }
  }

  @Test
  void limitsFromTheCommandLineAreEnforced() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of(),
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--anonymous",
            "--max-connections-per-address",
            "1",
            "--max-body-size",
            "1KiB",
            "--max-topics",
            "2",
            "--publish-rate",
            "1/min",
            "--publish-burst",
            "1");
    herald.awaitListening();
    String token = Tokens.all(Tokens.KEY);

    try (RawHttp first = new RawHttp(herald.port())) {
      first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(first.readUntil("ok\n", HeraldProcess.TIMEOUT)).startsWith("HTTP/1.1 200");
      try (RawHttp second = new RawHttp(herald.port())) {
        second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(second.readUntilClose())
            .startsWith("HTTP/1.1 429")
            .containsIgnoringCase("Retry-After: 1");
      }
    }
    // one connection at a time from here on (the closed ones are released promptly)
    await()
        .atMost(HeraldProcess.TIMEOUT)
        .until(
            () -> {
              try (RawHttp raw = new RawHttp(herald.port())) {
                raw.send(
                    "GET /.well-known/mercure?topic=a&topic=b&topic=c HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n");
                return raw.readUntilClose().startsWith("HTTP/1.1 400");
              }
            });
    assertThat(herald.post(token, TOPIC, "x".repeat(2048)).statusCode()).isEqualTo(413);
    assertThat(herald.post(token, TOPIC, "first").statusCode()).isEqualTo(200);
    HttpResponse<String> tooFast = herald.post(token, TOPIC, "second");
    assertThat(tooFast.statusCode()).isEqualTo(429);
    assertThat(tooFast.headers().firstValue("Retry-After")).hasValue("60");
  }

  @Test
  void streamIdleTimeoutAndHeaderSizeFromTheCommandLineAreEnforced() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of(),
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--anonymous",
            "--stream-idle-timeout",
            "300ms",
            "--max-header-size",
            "1KiB");
    herald.awaitListening();

    SseRecorder idle = SseRecorder.open(herald.subscribeUri(TOPIC));
    try {
      assertThat(idle.status()).isEqualTo(200);
      idle.awaitEnd(); // bounded by SseRecorder.TIMEOUT; no update ever comes
      assertThat(idle.eventsReceived()).isZero();
    } finally {
      idle.close();
    }
    try (RawHttp raw = new RawHttp(herald.port())) {
      raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(2048) + "\r\n\r\n");
      assertThat(raw.readUntilClose()).startsWith("HTTP/1.1 431");
    }
  }

  private static String signature(String jwt) {
    return jwt.substring(jwt.lastIndexOf('.') + 1);
  }
}
