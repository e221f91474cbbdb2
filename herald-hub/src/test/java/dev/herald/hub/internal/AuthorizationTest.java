package dev.herald.hub.internal;

import static dev.herald.hub.internal.AuthFixtures.OTHER_SECRET;
import static dev.herald.hub.internal.AuthFixtures.SECRET;
import static dev.herald.hub.internal.AuthFixtures.hmac;
import static dev.herald.hub.internal.AuthFixtures.mercure;
import static dev.herald.hub.internal.AuthFixtures.publisherClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.hub.JwtKey;
import dev.herald.hub.internal.AuthFixtures.FakeRequest;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AuthorizationTest {
  private static final String COOKIE = TokenExtractor.DEFAULT_COOKIE_NAME;
  private static final JwtKey PUBLISHER_KEY = JwtKey.hmac(SECRET);
  private static final JwtKey SUBSCRIBER_KEY = JwtKey.hmac(OTHER_SECRET);
  private static final Set<String> ORIGINS = Set.of("https://app.example");

  private final Authorization auth = hub(false);
  private final Authorization anonymousAuth = hub(true);

  @Test
  void authorizesAPublisherWithAPublishClaim() {
    Request request = FakeRequest.post().bearer(hmac(SECRET, publisherClaims()));

    assertThat(auth.authorizePublisher(request).publish()).containsExactly("*");
  }

  @Test
  void authorizesAPublisherWithAnEmptyPublishClaim() {
    String token = hmac(SECRET, mercure(Map.of("publish", List.of())).build());

    assertThat(auth.authorizePublisher(FakeRequest.post().bearer(token)).publish()).isEmpty();
  }

  @Test
  void forbidsAPublisherWithoutPublishClaim() {
    String noMercure = hmac(SECRET, new JWTClaimsSet.Builder().subject("x").build());
    String subscribeOnly = hmac(SECRET, mercure(Map.of("subscribe", List.of("*"))).build());

    assertStatus(
        () -> auth.authorizePublisher(FakeRequest.post().bearer(noMercure)),
        403,
        "token does not allow publishing");
    assertStatus(
        () -> auth.authorizePublisher(FakeRequest.post().bearer(subscribeOnly)),
        403,
        "token does not allow publishing");
  }

  @Test
  void refusesAPublisherWithoutToken() {
    assertStatus(() -> auth.authorizePublisher(FakeRequest.post()), 401, "missing publisher token");
  }

  @Test
  void refusesAPublisherTokenSignedWithTheSubscriberKey() {
    Request request = FakeRequest.post().bearer(hmac(OTHER_SECRET, publisherClaims()));

    assertStatus(() -> auth.authorizePublisher(request), 401, "invalid token: bad signature");
  }

  @Test
  void refusesAnExpiredPublisherToken() {
    JWTClaimsSet claims =
        mercure(Map.of("publish", List.of("*")))
            .expirationTime(Date.from(AuthFixtures.secondsFromNow(-10)))
            .build();

    assertStatus(
        () -> auth.authorizePublisher(FakeRequest.post().bearer(hmac(SECRET, claims))),
        401,
        "token expired");
  }

  @Test
  void refusesABadHeaderEvenWithAGoodCookie() {
    Request request =
        FakeRequest.post()
            .header("Authorization", "bearer " + hmac(SECRET, publisherClaims()))
            .cookie(COOKIE, hmac(SECRET, publisherClaims()))
            .header("Origin", "https://app.example");

    assertStatus(() -> auth.authorizePublisher(request), 401, "invalid Authorization header");
  }

  @Test
  void authorizesACookiePublisherOnlyFromAnAllowedOrigin() {
    String token = hmac(SECRET, publisherClaims());

    assertStatus(
        () -> auth.authorizePublisher(FakeRequest.post().cookie(COOKIE, token)),
        401,
        "cookie authorization needs an allowed Origin");
    assertStatus(
        () ->
            auth.authorizePublisher(
                FakeRequest.post().cookie(COOKIE, token).header("Origin", "https://evil.example")),
        401,
        "cookie authorization needs an allowed Origin");
    Request allowed =
        FakeRequest.post().cookie(COOKIE, token).header("Origin", "https://app.example");
    assertThat(auth.authorizePublisher(allowed).publish()).containsExactly("*");
  }

  @Test
  void forbidsPublishingWithoutAPublisherKey() {
    Authorization noPublisher = Authorization.of(null, SUBSCRIBER_KEY, COOKIE, ORIGINS, true);

    assertStatus(
        () ->
            noPublisher.authorizePublisher(
                FakeRequest.post().bearer(hmac(SECRET, publisherClaims()))),
        403,
        "publishing is disabled");
    assertStatus(
        () -> noPublisher.authorizePublisher(FakeRequest.post()), 403, "publishing is disabled");
  }

  @Test
  void authorizesASubscriberWithAValidToken() {
    String token =
        hmac(OTHER_SECRET, mercure(Map.of("subscribe", List.of("https://a/{x}"))).build());

    MercureClaims claims = auth.authorizeSubscriber(FakeRequest.get().bearer(token));

    assertThat(claims).isNotNull();
    assertThat(claims.subscribe()).containsExactly("https://a/{x}");
  }

  @Test
  void authorizesASubscriberTokenWithoutSubscribeClaimForPublicUpdates() {
    String token = hmac(OTHER_SECRET, new JWTClaimsSet.Builder().build());

    MercureClaims claims = auth.authorizeSubscriber(FakeRequest.get().bearer(token));

    assertThat(claims).isNotNull();
    assertThat(claims.subscribe()).isNull();
  }

  @Test
  void readsASubscriberTokenFromTheQueryOrTheCookieWithoutOriginCheck() {
    String token = hmac(OTHER_SECRET, mercure(Map.of("subscribe", List.of("*"))).build());

    assertThat(auth.authorizeSubscriber(FakeRequest.get().query("authorization", token)))
        .isNotNull();
    assertThat(auth.authorizeSubscriber(FakeRequest.get().cookie(COOKIE, token))).isNotNull();
  }

  @Test
  void refusesASubscriberWithoutTokenWhenNotAnonymous() {
    assertStatus(
        () -> auth.authorizeSubscriber(FakeRequest.get()), 401, "missing subscriber token");
  }

  @Test
  void letsASubscriberWithoutTokenInWhenAnonymous() {
    assertThat(anonymousAuth.authorizeSubscriber(FakeRequest.get())).isNull();
  }

  @Test
  void refusesAnInvalidSubscriberTokenEvenWhenAnonymous() {
    Request wrongKey = FakeRequest.get().bearer(hmac(SECRET, publisherClaims()));
    Request badHeader = FakeRequest.get().header("Authorization", "Token abc");
    Request garbageCookie = FakeRequest.get().cookie(COOKIE, "garbage");

    assertStatus(
        () -> anonymousAuth.authorizeSubscriber(wrongKey), 401, "invalid token: bad signature");
    assertStatus(
        () -> anonymousAuth.authorizeSubscriber(badHeader), 401, "invalid Authorization header");
    assertStatus(
        () -> anonymousAuth.authorizeSubscriber(garbageCookie), 401, "invalid token: malformed");
  }

  @Test
  void letsEveryoneSubscribeWithoutASubscriberKey() {
    Authorization open = Authorization.of(PUBLISHER_KEY, null, COOKIE, ORIGINS, false);

    assertThat(open.authorizeSubscriber(FakeRequest.get())).isNull();
    assertThat(open.authorizeSubscriber(FakeRequest.get().bearer("garbage"))).isNull();
  }

  @Test
  void usesOneKeyForBothRolesWhenGivenTheSameKey() {
    Authorization shared = Authorization.of(PUBLISHER_KEY, PUBLISHER_KEY, COOKIE, ORIGINS, false);
    String token =
        hmac(SECRET, mercure(Map.of("publish", List.of("*"), "subscribe", List.of("*"))).build());

    assertThat(shared.authorizePublisher(FakeRequest.post().bearer(token)).publish()).isNotNull();
    assertThat(shared.authorizeSubscriber(FakeRequest.get().bearer(token))).isNotNull();
  }

  @Test
  void usesTheConfiguredCookieName() {
    Authorization custom =
        Authorization.of(PUBLISHER_KEY, SUBSCRIBER_KEY, "hubAuth", ORIGINS, false);
    String token = hmac(OTHER_SECRET, mercure(Map.of("subscribe", List.of("*"))).build());

    assertThat(custom.authorizeSubscriber(FakeRequest.get().cookie("hubAuth", token))).isNotNull();
    assertStatus(
        () -> custom.authorizeSubscriber(FakeRequest.get().cookie(COOKIE, token)),
        401,
        "missing subscriber token");
  }

  @Test
  void refusesAnEmptyCookieName() {
    assertThatThrownBy(() -> Authorization.of(PUBLISHER_KEY, SUBSCRIBER_KEY, "", ORIGINS, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cookieName: \"\" (expected: a cookie name)");
  }

  private static Authorization hub(boolean anonymous) {
    return Authorization.of(PUBLISHER_KEY, SUBSCRIBER_KEY, COOKIE, ORIGINS, anonymous);
  }

  private static void assertStatus(ThrowingCallable call, int status, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }
}
