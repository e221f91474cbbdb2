package dev.herald.hub;

import static dev.herald.hub.HubExtension.SUBSCRIBER_KEY;
import static dev.herald.hub.HubExtension.subscriberToken;
import static dev.herald.hub.HubExtension.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subscription events and the active subscriptions API. */
class HubSubscriptionsTest {
  private static final String EVENTS = "/.well-known/mercure/subscriptions/{topic}/{subscriber}";
  private static final String API = "/.well-known/mercure/subscriptions{/topic}{/subscriber}";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  final HubExtension hub = new HubExtension(b -> b.anonymous(true).subscriptionEvents(true));

  @Test
  void connectingAndDisconnectingPublishesPrivateSubscriptionEvents() throws Exception {
    SseRecorder unauthorized = SseRecorder.open(hub.subscribeUri(List.of(EVENTS), ""));
    await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
    try (SseRecorder watcher =
        SseRecorder.open(
            hub.subscribeUri(List.of(EVENTS), ""),
            "Authorization",
            "Bearer " + subscriberToken(EVENTS))) {
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 2);
      String withPayload =
          token(
              SUBSCRIBER_KEY,
              Map.of("subscribe", List.of(), "payload", Map.of("foo", "bar")),
              null);
      try (SseRecorder client =
          SseRecorder.open(
              hub.subscribeUri(List.of("https://example.com"), ""),
              "Authorization",
              "Bearer " + withPayload)) {
        JsonNode active = JSON.readTree(watcher.next().dataString());
        assertThat(active.get("@context").asText()).isEqualTo("https://mercure.rocks/");
        assertThat(active.get("type").asText()).isEqualTo("Subscription");
        assertThat(active.get("topic").asText()).isEqualTo("https://example.com");
        assertThat(active.get("active").asBoolean()).isTrue();
        assertThat(active.get("payload").get("foo").asText()).isEqualTo("bar");
        String subscriber = active.get("subscriber").asText();
        assertThat(subscriber).startsWith("urn:uuid:");
        assertThat(active.get("id").asText())
            .isEqualTo(
                "/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com/"
                    + URLEncoder.encode(subscriber, StandardCharsets.UTF_8));
        assertThat(client.status()).isEqualTo(200);
      }
      MessageEvent inactive = watcher.next();
      assertThat(JSON.readTree(inactive.dataString()).get("active").asBoolean()).isFalse();
      unauthorized.assertNoMoreEvents();
      unauthorized.close();
    }
  }

  @Test
  void theWildcardSelectorIsEscapedAsGoDoes() throws Exception {
    try (SseRecorder watcher =
        SseRecorder.open(
            hub.subscribeUri(List.of(EVENTS), ""),
            "Authorization",
            "Bearer " + subscriberToken(EVENTS))) {
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
      SseRecorder star = SseRecorder.open(hub.subscribeUri(List.of("*"), ""));
      assertThat(star.status()).isEqualTo(200);
      JsonNode doc = JSON.readTree(watcher.next().dataString());
      assertThat(doc.get("id").asText())
          .startsWith("/.well-known/mercure/subscriptions/%2A/urn%3Auuid%3A");
      star.close();
    }
  }

  @Test
  void theSubscriptionsApiListsActiveSubscriptionsForAuthorizedClients() throws Exception {
    String bearer = "Bearer " + subscriberToken(API);
    HttpResponse<String> empty =
        hub.get("/.well-known/mercure/subscriptions", "Authorization", bearer);
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.headers().firstValue("Content-Type")).contains("application/ld+json");
    JsonNode emptyBody = JSON.readTree(empty.body());
    assertThat(emptyBody.get("type").asText()).isEqualTo("Subscriptions");
    assertThat(emptyBody.get("lastEventID").asText()).isEqualTo("earliest");
    assertThat(emptyBody.get("subscriptions")).isEmpty();

    try (SseRecorder client =
        SseRecorder.open(hub.subscribeUri(List.of("https://example.com/a"), ""))) {
      assertThat(client.status()).isEqualTo(200);
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
      String encodedTopic = URLEncoder.encode("https://example.com/a", StandardCharsets.UTF_8);
      HttpResponse<String> byTopic =
          hub.get("/.well-known/mercure/subscriptions/" + encodedTopic, "Authorization", bearer);
      assertThat(byTopic.statusCode()).isEqualTo(200);
      JsonNode list = JSON.readTree(byTopic.body()).get("subscriptions");
      assertThat(list).hasSize(1);
      String subscriber = list.get(0).get("subscriber").asText();
      String etag = byTopic.headers().firstValue("ETag").orElseThrow();

      HttpResponse<String> one =
          hub.get(
              "/.well-known/mercure/subscriptions/"
                  + encodedTopic
                  + "/"
                  + URLEncoder.encode(subscriber, StandardCharsets.UTF_8),
              "Authorization",
              bearer);
      assertThat(one.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(one.body()).get("@context").asText())
          .isEqualTo("https://mercure.rocks/");
      assertThat(
              hub.get(
                      "/.well-known/mercure/subscriptions/" + encodedTopic + "/urn%3Auuid%3Anone",
                      "Authorization",
                      bearer)
                  .statusCode())
          .isEqualTo(404);
      assertThat(
              hub.get(
                      "/.well-known/mercure/subscriptions/" + encodedTopic,
                      "Authorization",
                      bearer,
                      "If-None-Match",
                      etag)
                  .statusCode())
          .isEqualTo(304);
    }
    assertThat(hub.get("/.well-known/mercure/subscriptions").statusCode()).isEqualTo(401);
    assertThat(
            hub.get(
                    "/.well-known/mercure/subscriptions",
                    "Authorization",
                    "Bearer " + subscriberToken("https://example.com/{x}"))
                .statusCode())
        .isEqualTo(403);
  }
}
