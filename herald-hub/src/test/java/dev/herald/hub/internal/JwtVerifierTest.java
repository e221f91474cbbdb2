package dev.herald.hub.internal;

import static dev.herald.hub.internal.AuthFixtures.OTHER_SECRET;
import static dev.herald.hub.internal.AuthFixtures.SECRET;
import static dev.herald.hub.internal.AuthFixtures.hmac;
import static dev.herald.hub.internal.AuthFixtures.mercure;
import static dev.herald.hub.internal.AuthFixtures.publisherClaims;
import static dev.herald.hub.internal.AuthFixtures.rsa;
import static dev.herald.hub.internal.AuthFixtures.secondsFromNow;
import static dev.herald.hub.internal.AuthFixtures.unsigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.hub.JwtKey;
import dev.herald.server.HttpStatusException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtVerifierTest {
  private static final KeyPair RSA = AuthFixtures.rsaKeyPair();
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private final JwtVerifier hmacVerifier = new JwtVerifier(JwtKey.hmac(SECRET));
  private final JwtVerifier rsaVerifier =
      new JwtVerifier(JwtKey.rsaPublicKeyPem(AuthFixtures.pem(RSA.getPublic())));

  @Test
  void acceptsAnHs256TokenAndReturnsItsClaims() {
    Instant exp = secondsFromNow(3600);
    JWTClaimsSet claims =
        mercure(Map.of("publish", List.of("*"), "subscribe", List.of("https://example.com/{id}")))
            .subject("alice")
            .expirationTime(Date.from(exp))
            .build();

    MercureClaims verified = hmacVerifier.verify(hmac(SECRET, claims));

    assertThat(verified.publish()).containsExactly("*");
    assertThat(verified.subscribe()).containsExactly("https://example.com/{id}");
    assertThat(verified.payload()).isNull();
    assertThat(verified.subject()).isEqualTo("alice");
    assertThat(verified.expiresAt()).isEqualTo(exp.truncatedTo(ChronoUnit.SECONDS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  void acceptsEveryHmacAlgorithmTheSecretIsLongEnoughFor(String algorithm) {
    String token =
        hmac(
            SECRET.getBytes(StandardCharsets.UTF_8),
            JWSAlgorithm.parse(algorithm),
            publisherClaims());

    assertThat(hmacVerifier.verify(token).publish()).containsExactly("*");
  }

  @Test
  void acceptsATokenWithoutExpirationTime() {
    assertThat(hmacVerifier.verify(hmac(SECRET, publisherClaims())).expiresAt()).isNull();
  }

  @Test
  void ignoresTheKidAndTypHeadersOfASingleKey() {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.HS256)
            .keyID("whatever")
            .type(new JOSEObjectType("at+jwt"))
            .build();
    String token = AuthFixtures.sign(macSigner(SECRET), header, publisherClaims());

    assertThat(hmacVerifier.verify(token).publish()).containsExactly("*");
  }

  @Test
  void refusesAlgNone() {
    String token = unsigned("{\"alg\":\"none\"}", publisherClaims());

    assertRefused(hmacVerifier, token, "invalid token: not signed");
    assertRefused(rsaVerifier, token, "invalid token: not signed");
  }

  @Test
  void refusesAlgNoneCarryingASignature() {
    String signed = hmac(SECRET, publisherClaims());
    String signature = signed.substring(signed.lastIndexOf('.'));
    String token = unsigned("{\"alg\":\"none\"}", publisherClaims()) + signature.substring(1);

    assertRefused(hmacVerifier, token, "invalid token: malformed");
  }

  @Test
  void refusesAnHmacTokenWhoseHeaderClaimsAnotherAlgorithm() {
    // Signed with HS256, relabelled "none" in the header: the classic downgrade.
    String[] parts = hmac(SECRET, publisherClaims()).split("\\.");
    String relabelled =
        Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";

    assertRefused(hmacVerifier, relabelled, "invalid token: not signed");
  }

  @Test
  void refusesEncryptedTokens() throws JOSEException {
    EncryptedJWT jwt =
        new EncryptedJWT(
            new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), publisherClaims());
    jwt.encrypt(new DirectEncrypter(Arrays.copyOf(SECRET.getBytes(StandardCharsets.UTF_8), 32)));

    assertRefused(hmacVerifier, jwt.serialize(), "invalid token: not signed");
  }

  @Test
  void refusesAnUnknownAlgorithm() {
    String[] parts = hmac(SECRET, publisherClaims()).split("\\.");
    String token = Base64URL.encode("{\"alg\":\"HS999\"}") + "." + parts[1] + "." + parts[2];

    assertRefused(hmacVerifier, token, "invalid token: algorithm not allowed");
  }

  @Test
  void refusesATokenSignedWithAnotherSecret() {
    assertRefused(
        hmacVerifier, hmac(OTHER_SECRET, publisherClaims()), "invalid token: bad signature");
  }

  @Test
  void refusesATokenWhoseClaimsWereTamperedWith() {
    String[] original =
        hmac(SECRET, mercure(Map.of("subscribe", List.of("a"))).build()).split("\\.");
    String forgedClaims = Base64URL.encode(publisherClaims().toString()).toString();

    assertRefused(
        hmacVerifier,
        original[0] + "." + forgedClaims + "." + original[2],
        "invalid token: bad signature");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abc",
        "a.b",
        "a.b.c",
        "....",
        "eyJhbGciOiJIUzI1NiJ9",
        "bm90IGpzb24.e30.c2ln",
        "eyJhbGciOjF9.e30.c2ln",
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
      })
  void refusesMalformedTokens(String token) {
    assertRefused(hmacVerifier, token, "invalid token: malformed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "1", "\"claims\"", "not json", "{\"sub\":"})
  void refusesAPayloadThatIsNotAJsonObject(String payload) {
    assertRefused(hmacVerifier, signedPayload(payload), "invalid token: malformed claims");
  }

  @Test
  void refusesRegisteredClaimsOfTheWrongType() {
    String token = signedPayload("{\"exp\":\"tomorrow\"}");

    assertRefused(hmacVerifier, token, "invalid token: malformed claims");
  }

  @Test
  void refusesAnExpiredToken() {
    JWTClaimsSet claims =
        mercure(Map.of("publish", List.of("*")))
            .expirationTime(Date.from(secondsFromNow(-60)))
            .build();

    assertRefused(hmacVerifier, hmac(SECRET, claims), "token expired");
  }

  @Test
  void givesExpirationNoClockSkew() {
    JwtVerifier verifier = new JwtVerifier(JwtKey.hmac(SECRET), Clock.fixed(NOW, ZoneOffset.UTC));
    JWTClaimsSet justExpired = expiringAt(NOW.minusSeconds(1));
    JWTClaimsSet expiringNow = expiringAt(NOW);
    JWTClaimsSet stillValid = expiringAt(NOW.plusSeconds(1));

    assertRefused(verifier, hmac(SECRET, justExpired), "token expired");
    assertRefused(verifier, hmac(SECRET, expiringNow), "token expired");
    assertThat(verifier.verify(hmac(SECRET, stillValid)).expiresAt()).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void refusesATokenNotYetValid() {
    JWTClaimsSet claims =
        mercure(Map.of("publish", List.of("*")))
            .notBeforeTime(Date.from(secondsFromNow(60)))
            .build();

    assertRefused(hmacVerifier, hmac(SECRET, claims), "token not yet valid");
  }

  @Test
  void toleratesTheClockSkewOnNotBeforeAndIssuedAt() {
    JwtVerifier verifier = new JwtVerifier(JwtKey.hmac(SECRET), Clock.fixed(NOW, ZoneOffset.UTC));
    Date withinSkew = Date.from(NOW.plus(JwtVerifier.CLOCK_SKEW).minusSeconds(1));
    Date beyondSkew = Date.from(NOW.plus(JwtVerifier.CLOCK_SKEW).plusSeconds(1));
    JWTClaimsSet.Builder claims = mercure(Map.of("publish", List.of("*")));

    assertThat(verifier.verify(hmac(SECRET, claims.notBeforeTime(withinSkew).build()))).isNotNull();
    assertThat(verifier.verify(hmac(SECRET, claims.issueTime(withinSkew).build()))).isNotNull();
    assertRefused(
        verifier,
        hmac(SECRET, claims.notBeforeTime(null).issueTime(beyondSkew).build()),
        "invalid token: issued in the future");
    assertRefused(
        verifier,
        hmac(SECRET, claims.issueTime(null).notBeforeTime(beyondSkew).build()),
        "token not yet valid");
  }

  @Test
  void refusesATokenIssuedInTheFuture() {
    JWTClaimsSet claims =
        mercure(Map.of("publish", List.of("*"))).issueTime(Date.from(secondsFromNow(60))).build();

    assertRefused(hmacVerifier, hmac(SECRET, claims), "invalid token: issued in the future");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"mercure\":{\"publish\":[1]}}",
        "{\"mercure\":{\"publish\":[\"a\",null]}}",
        "{\"mercure\":{\"publish\":\"*\"}}",
        "{\"mercure\":{\"subscribe\":[{\"topic\":\"a\"}]}}",
        "{\"mercure\":{\"subscribe\":true}}",
        "{\"mercure\":\"publish\"}",
        "{\"mercure\":[\"*\"]}",
        "{\"https://mercure.rocks/\":{\"publish\":[2]}}"
      })
  void refusesMercureClaimsOfTheWrongShape(String claimsJson) {
    String token = signedPayload(claimsJson);

    assertRefused(hmacVerifier, token, "invalid token: malformed mercure claim");
  }

  @Test
  void readsNullMercureMembersAsAbsent() {
    String token =
        signedPayload("{\"mercure\":{\"publish\":null,\"subscribe\":[],\"payload\":null}}");

    MercureClaims claims = hmacVerifier.verify(token);

    assertThat(claims.publish()).isNull();
    assertThat(claims.subscribe()).isEmpty();
    assertThat(claims.payload()).isNull();
  }

  @Test
  void returnsNoGrantsForATokenWithoutMercureClaim() {
    MercureClaims claims =
        hmacVerifier.verify(hmac(SECRET, new JWTClaimsSet.Builder().subject("bob").build()));

    assertThat(claims).isEqualTo(new MercureClaims(null, null, null, null, "bob"));
  }

  @Test
  void letsTheLegacyNamespacedClaimReplaceTheMercureClaim() {
    JWTClaimsSet claims =
        mercure(Map.of("publish", List.of("*"), "subscribe", List.of("*")))
            .claim("https://mercure.rocks/", Map.of("subscribe", List.of("https://example.com/1")))
            .build();

    MercureClaims verified = hmacVerifier.verify(hmac(SECRET, claims));

    assertThat(verified.publish()).isNull();
    assertThat(verified.subscribe()).containsExactly("https://example.com/1");
  }

  @Test
  void readsTheLegacyNamespacedClaimAlone() {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .claim("https://mercure.rocks/", Map.of("publish", List.of()))
            .build();

    assertThat(hmacVerifier.verify(hmac(SECRET, claims)).publish()).isEmpty();
  }

  @Test
  void passesThePayloadThroughAsJsonValues() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("user", "https://example.com/users/1");
    payload.put("age", 42);
    payload.put("ratio", 0.5);
    payload.put("admin", false);
    payload.put("roles", List.of("a", "b"));
    payload.put("nested", Map.of("deep", List.of(Map.of("x", 1))));
    JWTClaimsSet claims = mercure(Map.of("subscribe", List.of("*"), "payload", payload)).build();

    Object verified = hmacVerifier.verify(hmac(SECRET, claims)).payload();

    assertThat(verified)
        .isEqualTo(
            Map.of(
                "user",
                "https://example.com/users/1",
                "age",
                42L,
                "ratio",
                0.5,
                "admin",
                false,
                "roles",
                List.of("a", "b"),
                "nested",
                Map.of("deep", List.of(Map.of("x", 1L)))));
    assertThat(List.<Object>copyOf(((Map<?, ?>) verified).keySet()))
        .containsExactly("user", "age", "ratio", "admin", "roles", "nested");
    assertThatThrownBy(() -> ((Map<?, ?>) verified).clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<?>) ((Map<?, ?>) verified).get("roles")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void passesAScalarPayloadThrough() {
    JWTClaimsSet claims = mercure(Map.of("payload", "just a string")).build();

    assertThat(hmacVerifier.verify(hmac(SECRET, claims)).payload()).isEqualTo("just a string");
  }

  @ParameterizedTest
  @EnumSource(value = Rsa.class)
  void acceptsEveryRsaAlgorithmWithAnRsaKey(Rsa algorithm) {
    String token = rsa(RSA.getPrivate(), algorithm.jws, null, publisherClaims());

    assertThat(rsaVerifier.verify(token).publish()).containsExactly("*");
  }

  @Test
  void refusesAnHs256TokenSignedWithThePublicKeyPemAsSecret() {
    // The key-confusion attack: an attacker who knows the public key signs an HMAC token with it.
    byte[] pemBytes = AuthFixtures.pem(RSA.getPublic()).getBytes(StandardCharsets.UTF_8);
    String forged = hmac(pemBytes, JWSAlgorithm.HS256, publisherClaims());

    assertRefused(rsaVerifier, forged, "invalid token: algorithm not allowed");
    // The same bytes configured as an HMAC secret accept it: the refusal is the algorithm's alone.
    JwtVerifier naive = new JwtVerifier(JwtKey.hmac(new String(pemBytes, StandardCharsets.UTF_8)));
    assertThat(naive.verify(forged).publish()).containsExactly("*");
  }

  @Test
  void refusesAnHs256TokenSignedWithTheDerPublicKeyAsSecret() {
    String forged = hmac(RSA.getPublic().getEncoded(), JWSAlgorithm.HS256, publisherClaims());

    assertRefused(rsaVerifier, forged, "invalid token: algorithm not allowed");
  }

  @Test
  void refusesAnRsaTokenAgainstAnHmacKey() {
    String token = rsa(RSA.getPrivate(), JWSAlgorithm.RS256, null, publisherClaims());

    assertRefused(hmacVerifier, token, "invalid token: algorithm not allowed");
  }

  @Test
  void refusesAnEcTokenAgainstAnRsaKey() {
    String token = AuthFixtures.ec(AuthFixtures.ecKeyPair().getPrivate(), null, publisherClaims());

    assertRefused(rsaVerifier, token, "invalid token: algorithm not allowed");
  }

  @Test
  void refusesATokenSignedByAnotherRsaKey() {
    KeyPair other = AuthFixtures.rsaKeyPair();
    String token = rsa(other.getPrivate(), JWSAlgorithm.RS256, null, publisherClaims());

    assertRefused(rsaVerifier, token, "invalid token: bad signature");
  }

  @Test
  void refusesAnExpiredRsaToken() {
    JWTClaimsSet claims = expiringAt(secondsFromNow(-3600));

    assertRefused(
        rsaVerifier, rsa(RSA.getPrivate(), JWSAlgorithm.RS256, null, claims), "token expired");
  }

  enum Rsa {
    RS256(JWSAlgorithm.RS256),
    RS384(JWSAlgorithm.RS384),
    RS512(JWSAlgorithm.RS512),
    PS256(JWSAlgorithm.PS256),
    PS384(JWSAlgorithm.PS384),
    PS512(JWSAlgorithm.PS512);

    final JWSAlgorithm jws;

    Rsa(JWSAlgorithm jws) {
      this.jws = jws;
    }
  }

  static void assertRefused(JwtVerifier verifier, String token, String message) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.getCause()).isNull();
            });
  }

  private static JWTClaimsSet expiringAt(Instant exp) {
    return mercure(Map.of("publish", List.of("*"))).expirationTime(Date.from(exp)).build();
  }

  private static MACSigner macSigner(String secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  /** Returns an HS256 token signed with {@code SECRET} over a raw payload. */
  private static String signedPayload(String json) {
    JWSObject object = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(json));
    try {
      object.sign(macSigner(SECRET));
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
    return object.serialize();
  }
}
