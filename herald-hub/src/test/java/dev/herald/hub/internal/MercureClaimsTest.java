package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.server.HttpStatusException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MercureClaimsTest {
  @Test
  void copiesTheListsItIsGiven() {
    List<String> publish = new ArrayList<>(List.of("a"));
    MercureClaims claims = new MercureClaims(publish, null, null, null, null);

    publish.add("b");

    assertThat(claims.publish()).containsExactly("a");
    assertThatThrownBy(() -> claims.publish().add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void keepsAnEmptyPublishListApartFromAnAbsentOne() throws ParseException {
    MercureClaims empty = MercureClaims.from(parse("{\"mercure\":{\"publish\":[]}}"));
    MercureClaims absent = MercureClaims.from(parse("{\"mercure\":{}}"));

    assertThat(empty.publish()).isEmpty();
    assertThat(absent.publish()).isNull();
  }

  @Test
  void ignoresANullLegacyClaim() throws ParseException {
    JWTClaimsSet claims =
        parse("{\"mercure\":{\"publish\":[\"*\"]},\"https://mercure.rocks/\":null}");

    assertThat(MercureClaims.from(claims).publish()).containsExactly("*");
  }

  @Test
  void ignoresUnknownMercureMembers() throws ParseException {
    JWTClaimsSet claims = parse("{\"mercure\":{\"subscribe\":[\"*\"],\"future\":{\"x\":1}}}");

    assertThat(MercureClaims.from(claims).subscribe()).containsExactly("*");
  }

  @Test
  void keepsJsonNullsInsideThePayload() throws ParseException {
    JWTClaimsSet claims = parse("{\"mercure\":{\"payload\":{\"a\":null,\"b\":[null,1]}}}");

    Object payload = MercureClaims.from(claims).payload();

    Map<?, ?> map = (Map<?, ?>) payload;
    assertThat(map.containsKey("a")).isTrue();
    assertThat(map.get("a")).isNull();
    assertThat(new ArrayList<Object>((List<?>) map.get("b"))).containsExactly(null, 1L);
  }

  @Test
  void refusesAMercureClaimThatIsNotAnObject() throws ParseException {
    assertThatThrownBy(() -> MercureClaims.from(parse("{\"mercure\":42}")))
        .isInstanceOfSatisfying(
            HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(401))
        .hasMessage("invalid token: malformed mercure claim");
  }

  private static JWTClaimsSet parse(String json) throws ParseException {
    return JWTClaimsSet.parse(json);
  }
}
