package dev.herald.hub.internal;

import static dev.herald.hub.internal.AuthFixtures.publisherClaims;
import static dev.herald.hub.internal.AuthFixtures.rsa;
import static dev.herald.hub.internal.JwtVerifierTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.herald.hub.JwtKey;
import dev.herald.server.HttpStatusException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierJwksTest {
  private static final KeyPair RSA_1 = AuthFixtures.rsaKeyPair();
  private static final KeyPair RSA_2 = AuthFixtures.rsaKeyPair();
  private static final KeyPair EC = AuthFixtures.ecKeyPair();

  @TempDir Path dir;

  private final AtomicReference<String> served = new AtomicReference<>("");
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private final AtomicInteger fetches = new AtomicInteger();
  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void verifiesWithTheKeyOfAFileSetThatTheKidNames() throws IOException {
    JwtVerifier verifier =
        new JwtVerifier(JwtKey.jwks(write(set(rsaJwk(RSA_1, "r1"), ecJwk("e1")))));

    String rsaToken = rsa(RSA_1.getPrivate(), JWSAlgorithm.PS256, "r1", publisherClaims());
    String ecToken = AuthFixtures.ec(EC.getPrivate(), "e1", publisherClaims());

    assertThat(verifier.verify(rsaToken).publish()).containsExactly("*");
    assertThat(verifier.verify(ecToken).publish()).containsExactly("*");
  }

  @Test
  void triesEveryKeyOfTheRightTypeWhenTheTokenHasNoKid() throws IOException {
    JwtVerifier verifier =
        new JwtVerifier(JwtKey.jwks(write(set(rsaJwk(RSA_1, "r1"), rsaJwk(RSA_2, "r2")))));

    String token = rsa(RSA_2.getPrivate(), JWSAlgorithm.RS256, null, publisherClaims());

    assertThat(verifier.verify(token).publish()).containsExactly("*");
  }

  @Test
  void refusesATokenWhoseKidIsNotInTheFileSet() throws IOException {
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(write(set(rsaJwk(RSA_1, "r1")))));

    String token = rsa(RSA_1.getPrivate(), JWSAlgorithm.RS256, "unknown", publisherClaims());

    assertRefused(verifier, token, "invalid token: no matching key");
  }

  @Test
  void refusesATokenSignedByAKeyOutsideTheFileSet() throws IOException {
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(write(set(rsaJwk(RSA_1, "r1")))));

    String token = rsa(RSA_2.getPrivate(), JWSAlgorithm.RS256, "r1", publisherClaims());

    assertRefused(verifier, token, "invalid token: bad signature");
  }

  @Test
  void ignoresSymmetricKeysInAFileSet() throws IOException {
    byte[] secret = AuthFixtures.SECRET.getBytes(StandardCharsets.UTF_8);
    JWK oct = new OctetSequenceKey.Builder(secret).keyID("o1").build();
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(write(set(oct, rsaJwk(RSA_1, "r1")))));

    String token = AuthFixtures.hmac(secret, JWSAlgorithm.HS256, publisherClaims());

    assertRefused(verifier, token, "invalid token: algorithm not allowed");
  }

  @Test
  void fetchesARemoteSetOnceAndPicksUpARotatedKey() throws IOException {
    serve(set(rsaJwk(RSA_1, "k1")));
    JwtKey key = JwtKey.jwks(url());
    assertThat(fetches).hasValue(0);
    JwtVerifier verifier = new JwtVerifier(key);

    String first = rsa(RSA_1.getPrivate(), JWSAlgorithm.RS256, "k1", publisherClaims());
    assertThat(verifier.verify(first).publish()).containsExactly("*");
    assertThat(verifier.verify(first).publish()).containsExactly("*");
    assertThat(fetches).hasValue(1);

    String rotated = rsa(RSA_2.getPrivate(), JWSAlgorithm.RS256, "k2", publisherClaims());
    served.set(set(rsaJwk(RSA_1, "k1"), rsaJwk(RSA_2, "k2")));
    assertThat(verifier.verify(rotated).publish()).containsExactly("*");
    assertThat(verifier.verify(first).publish()).containsExactly("*");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void sharesTheCacheOfARemoteSetBetweenVerifiers() throws IOException {
    serve(set(rsaJwk(RSA_1, "k1")));
    JwtKey key = JwtKey.jwks(url());
    String token = rsa(RSA_1.getPrivate(), JWSAlgorithm.RS256, "k1", publisherClaims());

    new JwtVerifier(key).verify(token);
    new JwtVerifier(key).verify(token);

    assertThat(fetches).hasValue(1);
  }

  @Test
  void refusesUnknownKidsWithoutFloodingTheKeyServer() throws IOException {
    serve(set(rsaJwk(RSA_1, "k1")));
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(url()));

    for (int i = 0; i < 10; i++) {
      String token = rsa(RSA_1.getPrivate(), JWSAlgorithm.RS256, "made-up-" + i, publisherClaims());
      assertRefused(verifier, token, "invalid token: no matching key");
    }

    assertThat(fetches.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void answers503WhenTheKeyServerIsUnreachable() throws IOException {
    serve(set(rsaJwk(RSA_1, "k1")));
    URI url = url();
    server.stop(0);
    server = null;
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(url));

    String token = rsa(RSA_1.getPrivate(), JWSAlgorithm.RS256, "k1", publisherClaims());

    assertUnavailable(verifier, token);
  }

  @Test
  void answers503WhenTheKeyServerFails() throws IOException {
    serve(set(rsaJwk(RSA_1, "k1")));
    status.set(500);
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(url()));

    assertUnavailable(
        verifier, rsa(RSA_1.getPrivate(), JWSAlgorithm.RS256, "k1", publisherClaims()));
  }

  @Test
  void answers503WhenTheKeyServerServesSomethingElse() throws IOException {
    serve("<html>not a key set</html>");
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(url()));

    assertUnavailable(
        verifier, rsa(RSA_1.getPrivate(), JWSAlgorithm.RS256, "k1", publisherClaims()));
  }

  @Test
  void checksTheAlgorithmBeforeFetchingTheRemoteSet() throws IOException {
    serve(set(rsaJwk(RSA_1, "k1")));
    JwtVerifier verifier = new JwtVerifier(JwtKey.jwks(url()));

    assertRefused(
        verifier,
        AuthFixtures.hmac(AuthFixtures.SECRET, publisherClaims()),
        "invalid token: algorithm not allowed");
    assertThat(fetches).hasValue(0);
  }

  private static void assertUnavailable(JwtVerifier verifier, String token) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.getMessage()).isEqualTo("key set unavailable");
            });
  }

  private void serve(String initial) throws IOException {
    served.set(initial);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks.json",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status.get(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
  }

  private Path write(String json) throws IOException {
    return Files.writeString(dir.resolve("jwks.json"), json);
  }

  private static String set(JWK... keys) {
    return new JWKSet(List.of(keys)).toString(false);
  }

  private static JWK rsaJwk(KeyPair pair, String kid) {
    return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyID(kid).build();
  }

  private static JWK ecJwk(String kid) {
    return new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID(kid).build();
  }
}
