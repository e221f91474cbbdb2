package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs {@code herald serve} in its own JVM and talks to it over HTTP. */
class ServeCommandTest {
  private static final String TOPIC = "https://example.com/books/1";
  private static final String KEY_LINE = "Development JWT key (not for production): ";
  private static final String TOKEN_LINE =
      "Development token (publish and subscribe to everything): ";

  @RegisterExtension final Heralds heralds = new Heralds();

  private SseRecorder subscribe(HeraldProcess herald, String... headers) {
    SseRecorder client = SseRecorder.open(herald.subscribeUri(TOPIC), headers);
    heralds.closeAfter(client);
    return client;
  }

  /** Subscribes with the token, publishes with it, and checks the update arrives. */
  private void assertPublishesAndSubscribes(HeraldProcess herald, String token) throws Exception {
    SseRecorder subscriber = subscribe(herald, "Authorization", "Bearer " + token);
    assertThat(subscriber.status()).isEqualTo(200);
    String id = herald.publish(token, TOPIC, "{\"price\":10}");
    MessageEvent event = subscriber.next();
    assertThat(event.id()).isEqualTo(id);
    assertThat(event.dataString()).isEqualTo("{\"price\":10}");
  }

  @Test
  void printsADevelopmentKeyAndTokenBeforeListeningWhenNoKeyIsGiven() throws Exception {
    HeraldProcess herald = heralds.start("serve", "--port", "0");

    List<String> before = herald.awaitListening();

    assertThat(before).hasSize(2);
    assertThat(before.get(0)).startsWith(KEY_LINE);
    assertThat(before.get(1)).startsWith(TOKEN_LINE);
    String key = before.get(0).substring(KEY_LINE.length());
    String token = before.get(1).substring(TOKEN_LINE.length());
    assertThat(key.getBytes(StandardCharsets.UTF_8)).hasSizeGreaterThanOrEqualTo(32);
    assertThat(SignedJWT.parse(token).verify(new MACVerifier(key)))
        .as("the token is signed with the printed key")
        .isTrue();
    assertPublishesAndSubscribes(herald, token);
    assertPublishesAndSubscribes(herald, Tokens.all(key));
  }

  @Test
  void developmentKeyIsNewOnEachStart() throws Exception {
    HeraldProcess first = heralds.start("serve", "--port", "0");
    HeraldProcess second = heralds.start("serve", "--port", "0");

    String firstKey = first.awaitListening().get(0);
    String secondKey = second.awaitListening().get(0);

    assertThat(firstKey).isNotEqualTo(secondKey);
  }

  @Test
  void withJwtKeyPrintsNoDevelopmentLinesAndAcceptsTokensSignedWithIt() throws Exception {
    HeraldProcess herald = heralds.start("serve", "--port", "0", "--jwt-key", Tokens.KEY);

    assertThat(herald.awaitListening()).isEmpty();

    String token = InProcess.token("--jwt-key", Tokens.KEY, "--publish", "*", "--subscribe", "*");
    assertPublishesAndSubscribes(herald, token);
    assertPublishesAndSubscribes(herald, Tokens.all(Tokens.KEY));
    assertThat(herald.post(Tokens.all(Tokens.OTHER_KEY), TOPIC, "x").statusCode())
        .as("a token signed with another key")
        .isEqualTo(401);
    assertThat(herald.stdout()).noneMatch(line -> line.startsWith("Development"));
  }

  @Test
  void environmentVariablesWorkLikeFlags() throws Exception {
    HeraldProcess herald =
        heralds.start(Map.of("HERALD_PORT", "0", "HERALD_JWT_KEY", Tokens.KEY), "serve");

    assertThat(herald.awaitListening()).isEmpty();

    assertPublishesAndSubscribes(herald, Tokens.all(Tokens.KEY));
    assertThat(herald.post(Tokens.all(Tokens.OTHER_KEY), TOPIC, "x").statusCode()).isEqualTo(401);
  }

  @Test
  void flagBeatsEnvironmentVariable() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of("HERALD_PORT", "1", "HERALD_JWT_KEY", Tokens.OTHER_KEY),
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY);

    assertThat(herald.awaitListening()).isEmpty();

    assertThat(herald.port()).isNotEqualTo(1);
    assertPublishesAndSubscribes(herald, Tokens.all(Tokens.KEY));
    assertThat(herald.post(Tokens.all(Tokens.OTHER_KEY), TOPIC, "x").statusCode())
        .as("a token signed with the environment's key")
        .isEqualTo(401);
  }

  @Test
  void flagBeatsAnInvalidEnvironmentVariable() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of("HERALD_PORT", "abc"), "serve", "--port", "0", "--jwt-key", Tokens.KEY);

    assertThat(herald.awaitListening()).isEmpty();
  }

  @Test
  void anonymousLetsASubscriberConnectWithoutAToken() throws Exception {
    HeraldProcess herald =
        heralds.start("serve", "--port", "0", "--jwt-key", Tokens.KEY, "--anonymous");
    herald.awaitListening();

    SseRecorder subscriber = subscribe(herald);

    assertThat(subscriber.status()).isEqualTo(200);
    String id = herald.publish(Tokens.all(Tokens.KEY), TOPIC, "public");
    assertThat(subscriber.next().id()).isEqualTo(id);
  }

  @Test
  void anonymousEnvironmentVariableLetsASubscriberConnectWithoutAToken() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of("HERALD_ANONYMOUS", "true"), "serve", "--port", "0", "--jwt-key", Tokens.KEY);
    herald.awaitListening();

    SseRecorder subscriber = subscribe(herald);

    assertThat(subscriber.status()).isEqualTo(200);
  }

  @Test
  void listeningLineShowsTheBoundHostAndPort() throws Exception {
    HeraldProcess herald =
        heralds.start("serve", "--host", "127.0.0.1", "--port", "0", "--jwt-key", Tokens.KEY);
    herald.awaitListening();

    assertThat(herald.stdout())
        .containsExactly("Herald listening on http://127.0.0.1:" + herald.port());
    SseRecorder subscriber = subscribe(herald, "Authorization", "Bearer " + Tokens.all(Tokens.KEY));
    assertThat(subscriber.status()).isEqualTo(200);
  }

  @Test
  void withoutAnonymousASubscriberWithoutATokenIsRefused() throws Exception {
    HeraldProcess herald = heralds.start("serve", "--port", "0", "--jwt-key", Tokens.KEY);
    herald.awaitListening();

    SseRecorder subscriber = subscribe(herald);

    assertThat(subscriber.status()).isEqualTo(401);
  }

  @Test
  void heartbeatSendsCommentsOnAnIdleStream() throws Exception {
    HeraldProcess herald =
        heralds.start("serve", "--port", "0", "--jwt-key", Tokens.KEY, "--heartbeat", "200ms");
    herald.awaitListening();

    SseRecorder subscriber = subscribe(herald, "Authorization", "Bearer " + Tokens.all(Tokens.KEY));
    assertThat(subscriber.status()).isEqualTo(200);

    List<String> comments = new ArrayList<>();
    long heartbeats = 0;
    for (int i = 0; i < 10 && heartbeats < 3; i++) {
      comments.add(subscriber.nextComment());
      heartbeats = comments.stream().filter(c -> c.contains("heartbeat")).count();
    }
    assertThat(heartbeats).as("heartbeat comments among %s", comments).isEqualTo(3);
    assertThat(subscriber.eventsReceived()).isZero();
  }

  @Test
  void corsOriginAllowsThatOriginWithCredentials() throws Exception {
    HeraldProcess herald =
        heralds.start(
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--anonymous",
            "--cors-origin",
            "https://app.example");
    herald.awaitListening();

    SseRecorder allowed = subscribe(herald, "Origin", "https://app.example");
    SseRecorder other = subscribe(herald, "Origin", "https://evil.example");

    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void corsOriginIsRepeatable() throws Exception {
    HeraldProcess herald =
        heralds.start(
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--anonymous",
            "--cors-origin",
            "https://a.example",
            "--cors-origin",
            "https://b.example");
    herald.awaitListening();

    SseRecorder a = subscribe(herald, "Origin", "https://a.example");
    SseRecorder b = subscribe(herald, "Origin", "https://b.example");

    assertThat(a.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://a.example");
    assertThat(b.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://b.example");
  }

  @Test
  void corsOriginEnvironmentVariableTakesACommaSeparatedList() throws Exception {
    HeraldProcess herald =
        heralds.start(
            Map.of("HERALD_CORS_ORIGIN", "https://a.example,https://b.example"),
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--anonymous");
    herald.awaitListening();

    SseRecorder b = subscribe(herald, "Origin", "https://b.example");

    assertThat(b.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://b.example");
    assertThat(b.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
  }

  @Test
  void tokenWithoutPublishClaimCannotPublish() throws Exception {
    HeraldProcess herald = heralds.start("serve", "--port", "0", "--jwt-key", Tokens.KEY);
    herald.awaitListening();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder().claim("mercure", Map.of("subscribe", List.of("*"))).build());
    jwt.sign(new MACSigner(Tokens.KEY.getBytes(StandardCharsets.UTF_8)));

    assertThat(herald.post(jwt.serialize(), TOPIC, "x").statusCode()).isEqualTo(403);
  }
}
