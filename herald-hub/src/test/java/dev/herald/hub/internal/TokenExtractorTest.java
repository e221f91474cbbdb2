package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.internal.AuthFixtures.FakeRequest;
import dev.herald.server.HttpStatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenExtractorTest {
  private static final String COOKIE = TokenExtractor.DEFAULT_COOKIE_NAME;
  private static final Set<String> ORIGINS = Set.of("https://app.example");

  enum Header {
    NONE,
    GOOD,
    BAD
  }

  enum Query {
    NONE,
    GOOD,
    BAD
  }

  enum Cookie {
    NONE,
    GOOD
  }

  static Stream<Arguments> everyCombination() {
    List<Arguments> combinations = new ArrayList<>();
    for (Header header : Header.values()) {
      for (Query query : Query.values()) {
        for (Cookie cookie : Cookie.values()) {
          combinations.add(Arguments.of(header, query, cookie));
        }
      }
    }
    return combinations.stream();
  }

  @ParameterizedTest(name = "header {0}, query {1}, cookie {2}")
  @MethodSource("everyCombination")
  void appliesTheDraftsPrecedence(Header header, Query query, Cookie cookie) {
    FakeRequest request = FakeRequest.get();
    if (header == Header.GOOD) {
      request.header("Authorization", "Bearer from-header");
    } else if (header == Header.BAD) {
      request.header("Authorization", "bearer from-header");
    }
    if (query == Query.GOOD) {
      request.query("authorization", "from-query");
    } else if (query == Query.BAD) {
      request.query("authorization", "");
    }
    if (cookie == Cookie.GOOD) {
      request.cookie(COOKIE, "from-cookie");
    }

    if (header == Header.BAD) {
      assertUnauthorized(request, false, "invalid Authorization header");
    } else if (header == Header.GOOD) {
      assertThat(extract(request, false)).isEqualTo("from-header");
    } else if (query == Query.BAD) {
      assertUnauthorized(request, false, "invalid authorization query parameter");
    } else if (query == Query.GOOD) {
      assertThat(extract(request, false)).isEqualTo("from-query");
    } else if (cookie == Cookie.GOOD) {
      assertThat(extract(request, false)).isEqualTo("from-cookie");
    } else {
      assertThat(extract(request, false)).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bearer abc",
        "BEARER abc",
        "Bearer",
        "Bearer ",
        "Bearerabc",
        "Basic YTpi",
        "abc",
        ""
      })
  void refusesAnAuthorizationHeaderThatIsNotABearerToken(String value) {
    FakeRequest request = FakeRequest.get().header("Authorization", value).cookie(COOKIE, "ok");

    assertUnauthorized(request, false, "invalid Authorization header");
  }

  @Test
  void refusesTwoAuthorizationHeaders() {
    FakeRequest request =
        FakeRequest.get().header("Authorization", "Bearer a").header("authorization", "Bearer b");

    assertUnauthorized(request, false, "invalid Authorization header");
  }

  @Test
  void takesAShortBearerTokenAsIsForTheVerifierToRefuse() {
    FakeRequest request = FakeRequest.get().header("Authorization", "Bearer x");

    assertThat(extract(request, false)).isEqualTo("x");
  }

  @Test
  void refusesTwoAuthorizationQueryParameters() {
    FakeRequest request = FakeRequest.get().query("authorization", "a").query("authorization", "b");

    assertUnauthorized(request, false, "invalid authorization query parameter");
  }

  @Test
  void readsTheQueryParameterNameCaseSensitively() {
    FakeRequest request = FakeRequest.get().query("Authorization", "a");

    assertThat(extract(request, false)).isNull();
  }

  @Test
  void readsTheConfiguredCookieOnly() {
    FakeRequest request = FakeRequest.get().cookie(COOKIE, "default").cookie("hubAuth", "custom");

    assertThat(TokenExtractor.extract(request, "hubAuth", false, ORIGINS)).isEqualTo("custom");
    assertThat(
            TokenExtractor.extract(
                FakeRequest.get().cookie(COOKIE, "x"), "hubAuth", false, ORIGINS))
        .isNull();
  }

  @Test
  void takesAnEmptyCookieForNoCookie() {
    assertThat(extract(FakeRequest.get().cookie(COOKIE, ""), false)).isNull();
    assertThat(extract(FakeRequest.post().cookie(COOKIE, ""), true)).isNull();
  }

  @Test
  void refusesACookiePublicationWithoutOriginOrReferer() {
    assertUnauthorized(
        FakeRequest.post().cookie(COOKIE, "t"),
        true,
        "cookie authorization needs an allowed Origin");
  }

  @Test
  void refusesACookiePublicationFromAnotherOrigin() {
    FakeRequest request =
        FakeRequest.post().cookie(COOKIE, "t").header("Origin", "https://evil.example");

    assertUnauthorized(request, true, "cookie authorization needs an allowed Origin");
  }

  @Test
  void acceptsACookiePublicationFromAnAllowedOrigin() {
    FakeRequest request =
        FakeRequest.post().cookie(COOKIE, "t").header("Origin", "https://app.example");

    assertThat(extract(request, true)).isEqualTo("t");
  }

  @Test
  void acceptsACookiePublicationFromAnyOriginWithAWildcard() {
    FakeRequest request =
        FakeRequest.post().cookie(COOKIE, "t").header("Origin", "https://evil.example");

    assertThat(TokenExtractor.extract(request, COOKIE, true, Set.of("*"))).isEqualTo("t");
  }

  @Test
  void refusesACookiePublicationWithNeitherHeaderEvenWithAWildcard() {
    FakeRequest request = FakeRequest.post().cookie(COOKIE, "t");

    assertThatThrownBy(() -> TokenExtractor.extract(request, COOKIE, true, Set.of("*")))
        .isInstanceOf(HttpStatusException.class)
        .hasMessage("cookie authorization needs an allowed Origin");
  }

  @Test
  void fallsBackToTheOriginOfTheReferer() {
    FakeRequest allowed =
        FakeRequest.post().cookie(COOKIE, "t").header("Referer", "https://app.example/page?x=1#y");
    FakeRequest otherPort =
        FakeRequest.post().cookie(COOKIE, "t").header("Referer", "https://app.example:8443/page");

    assertThat(extract(allowed, true)).isEqualTo("t");
    assertUnauthorized(otherPort, true, "cookie authorization needs an allowed Origin");
  }

  @Test
  void letsTheOriginHeaderWinOverTheReferer() {
    FakeRequest request =
        FakeRequest.post()
            .cookie(COOKIE, "t")
            .header("Origin", "https://evil.example")
            .header("Referer", "https://app.example/page");

    assertUnauthorized(request, true, "cookie authorization needs an allowed Origin");
  }

  @Test
  void refusesACookiePublicationWithAMalformedReferer() {
    FakeRequest request = FakeRequest.post().cookie(COOKIE, "t").header("Referer", "::not a url");

    assertUnauthorized(request, true, "cookie authorization needs an allowed Origin");
  }

  @Test
  void checksNoOriginForACookieSubscription() {
    FakeRequest request = FakeRequest.get().cookie(COOKIE, "t");

    assertThat(extract(request, false)).isEqualTo("t");
  }

  @Test
  void checksNoOriginForAHeaderOrQueryPublication() {
    assertThat(extract(FakeRequest.post().header("Authorization", "Bearer h"), true))
        .isEqualTo("h");
    assertThat(extract(FakeRequest.post().query("authorization", "q"), true)).isEqualTo("q");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://app.example/a/b?c=d|https://app.example",
        "http://localhost:3000/|http://localhost:3000",
        "https://user:pw@app.example:8443/x|https://app.example:8443",
        "http://[::1]:8080/|http://[::1]:8080"
      })
  void computesTheOriginOfAUrl(String urlAndOrigin) {
    String[] parts = urlAndOrigin.split("\\|");

    assertThat(TokenExtractor.originOf(parts[0])).isEqualTo(parts[1]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/relative/path", "app.example", "::not a url", "mailto:a@b.example"})
  void findsNoOriginInAUrlWithoutSchemeOrHost(String url) {
    assertThat(TokenExtractor.originOf(url)).isNull();
  }

  private static @Nullable String extract(FakeRequest request, boolean isPublish) {
    return TokenExtractor.extract(request, COOKIE, isPublish, ORIGINS);
  }

  private static void assertUnauthorized(FakeRequest request, boolean isPublish, String message) {
    assertThatThrownBy(() -> extract(request, isPublish))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }
}
