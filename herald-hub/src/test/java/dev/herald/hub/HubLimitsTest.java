package dev.herald.hub;

import static dev.herald.hub.HubExtension.PUBLISHER_KEY;
import static dev.herald.hub.HubExtension.publisherToken;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hub's own limits: publish rate per publisher, topics per subscription. */
class HubLimitsTest {
  // One update every 100 seconds, bursts of 2: a third publication in a test is always refused.
  @RegisterExtension
  final HubExtension hub =
      new HubExtension(b -> b.publishRate(0.01, 2).maxTopicsPerSubscription(3).anonymous(true));

  @Test
  void refusesAPublisherPastItsRateWith429AndRetryAfter() throws Exception {
    String token = withSubject("alice");
    assertThat(publish(token, "1").statusCode()).isEqualTo(200);
    assertThat(publish(token, "2").statusCode()).isEqualTo(200);

    HttpResponse<String> refused = publish(token, "3");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("100");
    assertThat(refused.body()).isEqualTo("publish rate exceeded, try again\n");
  }

  @Test
  void countsEveryTokenOfOneSubjectTogetherAndOtherSubjectsApart() throws Exception {
    assertThat(publish(withSubject("alice"), "1").statusCode()).isEqualTo(200);
    assertThat(publish(withSubject("alice", "other claim"), "2").statusCode()).isEqualTo(200);
    assertThat(publish(withSubject("alice", "third"), "3").statusCode()).isEqualTo(429);

    assertThat(publish(withSubject("bob"), "4").statusCode()).isEqualTo(200);
  }

  @Test
  void countsATokenWithoutSubjectByItself() throws Exception {
    String anonymous = publisherToken("*");
    assertThat(publish(anonymous, "1").statusCode()).isEqualTo(200);
    assertThat(publish(anonymous, "2").statusCode()).isEqualTo(200);
    assertThat(publish(anonymous, "3").statusCode()).isEqualTo(429);
    assertThat(publish(publisherToken("https://example.com/{id}"), "4").statusCode())
        .isEqualTo(200);
  }

  @Test
  void refusesASubscriptionWithTooManyTopicSelectorsWith400() throws Exception {
    HttpResponse<String> refused = hub.get(Hub.PATH + "?topic=a&topic=b&topic=c&topic=d");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("too many \"topic\" parameters: 4 (limit: 3)");
  }

  private HttpResponse<String> publish(String token, String data) throws Exception {
    return hub.post(
        token, Map.of("topic", List.of("https://example.com/1"), "data", List.of(data)));
  }

  private static String withSubject(String subject) throws Exception {
    return withSubject(subject, "");
  }

  private static String withSubject(String subject, String note) throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(subject)
            .claim("mercure", Map.of("publish", List.of("*")))
            .claim("note", note)
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(PUBLISHER_KEY.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
