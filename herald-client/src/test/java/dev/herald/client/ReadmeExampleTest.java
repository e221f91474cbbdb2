package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
import dev.herald.server.HeraldServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's snippets, as they are written there, against a real hub. */
class ReadmeExampleTest {
  private static final String KEY = "readme-key-readme-key-readme-key-readme!!";

  @Test
  void quickStartReceivesWhatThePublishSnippetPublishes() throws Exception {
    try (Hub h = Hub.builder().jwtKey(JwtKey.hmac(KEY)).build();
        HeraldServer server =
            h.install(HeraldServer.builder().host("127.0.0.1").port(0)).build().start()) {
      String base = "http://127.0.0.1:" + server.port();
      String jwt = token(Map.of("subscribe", List.of("*"), "publish", List.of("*")));
      CompletableFuture<String> printed = new CompletableFuture<>();

      // README, quick start (with the host replaced and println recorded):
      EventSource events =
          EventSource.builder(URI.create(base + "/.well-known/mercure?topic=books"))
              .token(() -> jwt) // a fresh token on every (re)connection
              .build();
      events.on("price", e -> printed.complete(e.id() + ": " + e.dataString()));
      CompletableFuture<Void> opened = new CompletableFuture<>();
      events.onOpen(() -> opened.complete(null));
      events.start(); // reconnects and resumes by itself; close() stops
      opened.get(10, TimeUnit.SECONDS);

      // README, publishing:
      HubPublisher hub =
          HubPublisher.builder(URI.create(base + "/.well-known/mercure")).token(() -> jwt).build();
      String id =
          hub.publish(Publication.builder("books").type("price").data("{\"price\":10}").build());

      assertThat(printed.get(10, TimeUnit.SECONDS)).isEqualTo(id + ": {\"price\":10}");
      events.close();
      assertThat(events.readyState()).isEqualTo(EventSource.ReadyState.CLOSED);
      assertThat(Duration.ofMillis(EventSource.DEFAULT_READ_TIMEOUT_MILLIS))
          .isGreaterThan(Duration.ofSeconds(15));
    }
  }

  private static String token(Map<String, Object> mercure) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder().claim("mercure", mercure).build());
    jwt.sign(new MACSigner(KEY.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
