package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.JwtKey;
import dev.herald.server.HttpStatusException;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;

class JwtVerifierProperties {
  private static final JwtVerifier VERIFIER = new JwtVerifier(JwtKey.hmac(AuthFixtures.SECRET));
  private static final String TOKEN =
      AuthFixtures.hmac(
          AuthFixtures.SECRET,
          AuthFixtures.mercure(Map.of("publish", List.of("*"), "payload", Map.of("user", "alice")))
              .build());
  private static final MercureClaims CLAIMS = VERIFIER.verify(TOKEN);

  /** The fixed vocabulary of refusals: nothing from the token can reach the client. */
  private static final List<String> REASONS =
      List.of(
          "invalid token: malformed",
          "invalid token: not signed",
          "invalid token: algorithm not allowed",
          "invalid token: bad signature",
          "invalid token: no matching key",
          "invalid token: malformed claims",
          "invalid token: malformed mercure claim",
          "invalid token: claims rejected",
          "invalid token: issued in the future",
          "token expired",
          "token not yet valid");

  @Property
  void refusesArbitraryTextWithA401(@ForAll String text) {
    assertRefusedOrSame(text);
  }

  @Property
  void refusesTokensWithOneCharacterChangedUnlessTheyMeanTheSame(
      @ForAll @IntRange(min = 0, max = 1000) int position,
      @ForAll
          @CharRange(from = 'a', to = 'z')
          @CharRange(from = 'A', to = 'Z')
          @CharRange(from = '0', to = '9')
          @Chars({'-', '_', '.', '=', '+', '/'})
          char replacement) {
    int at = position % TOKEN.length();
    String mutated = TOKEN.substring(0, at) + replacement + TOKEN.substring(at + 1);

    assertRefusedOrSame(mutated);
  }

  @Property
  void refusesTokensCutShort(@ForAll @IntRange(min = 0, max = 1000) int length) {
    assertRefusedOrSame(TOKEN.substring(0, length % TOKEN.length()));
  }

  /**
   * A changed character may decode to the same bytes (the spare bits of the last base64url
   * character), so the token may still verify, but then only to the same claims.
   */
  private static void assertRefusedOrSame(String token) {
    try {
      assertThat(VERIFIER.verify(token)).isEqualTo(CLAIMS);
    } catch (HttpStatusException e) {
      assertThat(e.status()).isEqualTo(401);
      assertThat(e.getMessage()).isIn(REASONS);
    }
  }
}
