package dev.herald.hub;

import static dev.herald.hub.HubExtension.PUBLISHER_KEY;
import static dev.herald.hub.HubExtension.SUBSCRIBER_KEY;
import static dev.herald.hub.HubExtension.publisherToken;
import static dev.herald.hub.HubExtension.subscriberToken;
import static dev.herald.hub.HubExtension.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Mercure protocol through real sockets: publish, subscribe, authorization, framing. */
class HubProtocolTest {
  private static final String BOOK = "https://example.com/books/1";

  @RegisterExtension final HubExtension hub = new HubExtension(b -> b.anonymous(true));

  private static Map<String, List<String>> form(String... pairs) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      form.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
    }
    return form;
  }

  private SseRecorder subscribe(String... topics) {
    return SseRecorder.open(hub.subscribeUri(List.of(topics), ""));
  }

  private void awaitSubscribers(int n) {
    await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == n);
  }

  @Test
  void aPublishedUpdateReachesASubscriberWithItsGeneratedId() throws Exception {
    try (SseRecorder sse = subscribe(BOOK)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().firstValue("Content-Type"))
          .contains("text/event-stream; charset=utf-8");
      assertThat(sse.headers().firstValue("Cache-Control"))
          .contains("private, no-cache, no-store, must-revalidate, max-age=0");
      awaitSubscribers(1);

      HttpResponse<String> published =
          hub.post(publisherToken("*"), form("topic", BOOK, "data", "hi"));

      assertThat(published.statusCode()).isEqualTo(200);
      assertThat(published.headers().firstValue("Content-Type"))
          .contains("text/plain; charset=utf-8");
      assertThat(published.body()).matches("^urn:uuid:[0-9a-f-]{36}$");
      MessageEvent event = sse.next();
      assertThat(event.dataString()).isEqualTo("hi");
      assertThat(event.id()).isEqualTo(published.body());
    }
  }

  @Test
  void generatedIdsAreUuidVersion7AndTimeOrdered() throws Exception {
    String first = hub.publish(BOOK, "1");
    String second = hub.publish(BOOK, "2");
    assertThat(first.charAt("urn:uuid:".length() + 14)).isEqualTo('7');
    assertThat(second).isGreaterThan(first);
  }

  @Test
  void typeRetryIdAndMultiLineDataAreFramedForEventSource() throws Exception {
    try (SseRecorder sse = subscribe(BOOK)) {
      awaitSubscribers(1);
      hub.publish(BOOK, "a\nb\r\nc", "type", "t", "retry", "5", "id", "x");
      MessageEvent event = sse.next();
      assertThat(event.type()).isEqualTo("t");
      assertThat(event.id()).isEqualTo("x");
      assertThat(event.dataString()).isEqualTo("a\nb\nc");
    }
  }

  @Test
  void publishingIsRefusedWithClearStatuses() throws Exception {
    assertThat(hub.post(null, form("topic", BOOK)).statusCode()).isEqualTo(401);
    assertThat(
            hub.post(
                    token(SUBSCRIBER_KEY, Map.of("publish", List.of("*")), null),
                    form("topic", BOOK))
                .statusCode())
        .as("signed with the wrong key")
        .isEqualTo(401);
    assertThat(
            hub.post(
                    token(
                        PUBLISHER_KEY,
                        Map.of("publish", List.of("*")),
                        Instant.now().minusSeconds(60)),
                    form("topic", BOOK))
                .statusCode())
        .as("expired")
        .isEqualTo(401);
    assertThat(hub.post(token(PUBLISHER_KEY, null, null), form("topic", BOOK)).statusCode())
        .as("no mercure claim")
        .isEqualTo(403);
    HttpResponse<String> noTopic = hub.post(publisherToken("*"), form("data", "x"));
    assertThat(noTopic.statusCode()).isEqualTo(400);
    assertThat(noTopic.body()).isEqualTo("Missing \"topic\" parameter\n");
    HttpResponse<String> badRetry =
        hub.post(publisherToken("*"), form("topic", "a", "retry", "abc"));
    assertThat(badRetry.statusCode()).isEqualTo(400);
    assertThat(badRetry.body()).isEqualTo("Invalid \"retry\" parameter\n");
    assertThat(hub.post(publisherToken("*"), form("topic", "a", "id", "#nope")).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aPublisherMayOnlyPublishToTheTopicsItsTokenAllows() throws Exception {
    String books = publisherToken("https://example.com/books/{id}");
    assertThat(hub.post(books, form("topic", BOOK, "private", "on")).statusCode()).isEqualTo(200);
    assertThat(
            hub.post(books, form("topic", "https://example.com/users/1", "private", "on"))
                .statusCode())
        .isEqualTo(403);
    assertThat(hub.post(books, form("topic", BOOK, "topic", "https://other/x")).statusCode())
        .as("every topic must be allowed")
        .isEqualTo(403);
    String publicOnly = publisherToken();
    assertThat(hub.post(publicOnly, form("topic", "https://anything")).statusCode()).isEqualTo(200);
    assertThat(
            hub.post(publicOnly, form("topic", "https://anything", "private", "on")).statusCode())
        .isEqualTo(403);
  }

  @Test
  void aSubscriptionWithoutTopicIsRefused() throws Exception {
    HttpResponse<String> response = hub.get(Hub.PATH);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("Missing \"topic\" parameter.\n");
  }

  @Test
  void uriTemplatesWildcardsAndAlternateTopicsSelectUpdates() throws Exception {
    try (SseRecorder template = subscribe("https://example.com/books/{id}");
        SseRecorder all = subscribe("*");
        SseRecorder alternate = subscribe("https://example.com/alt")) {
      awaitSubscribers(3);
      hub.publish("https://example.com/books/1/reviews", "not for the template");
      hub.publish("https://example.com/books/2", "for the template");
      Map<String, List<String>> twoTopics =
          form(
              "topic",
              "https://example.com/canonical",
              "topic",
              "https://example.com/alt",
              "data",
              "alt");
      assertThat(hub.post(publisherToken("*"), twoTopics).statusCode()).isEqualTo(200);

      assertThat(template.next().dataString()).isEqualTo("for the template");
      assertThat(all.next().dataString()).isEqualTo("not for the template");
      assertThat(all.next().dataString()).isEqualTo("for the template");
      assertThat(all.next().dataString()).isEqualTo("alt");
      assertThat(alternate.next().dataString()).isEqualTo("alt");
      template.assertNoMoreEvents();
    }
  }

  @Test
  void aSubscriberMatchedBySeveralSelectorsAndTopicsReceivesTheUpdateOnce() throws Exception {
    try (SseRecorder sse =
        subscribe("https://example.com/x", "https://example.com/{any}", "https://example.com/y")) {
      awaitSubscribers(1);
      Map<String, List<String>> both =
          form("topic", "https://example.com/x", "topic", "https://example.com/y", "data", "once");
      assertThat(hub.post(publisherToken("*"), both).statusCode()).isEqualTo(200);
      hub.publish("https://example.com/x", "marker");
      assertThat(sse.next().dataString()).isEqualTo("once");
      assertThat(sse.next().dataString()).isEqualTo("marker");
    }
  }

  @Test
  void privateUpdatesReachOnlySubscribersWhoseTokenAllowsOneOfTheirTopics() throws Exception {
    String reviews = "http://example.com/reviews/{id}";
    try (SseRecorder allowed =
            SseRecorder.open(
                hub.subscribeUri(List.of(reviews), ""),
                "Authorization",
                "Bearer " + subscriberToken("http://example.com/reviews/22"));
        SseRecorder anonymous = subscribe(reviews)) {
      awaitSubscribers(2);
      hub.publish("http://example.com/reviews/21", "private 21", "private", "on");
      hub.publish("http://example.com/reviews/22", "private 22", "private", "on");
      hub.publish("http://example.com/reviews/23", "public 23");

      assertThat(allowed.next().dataString()).isEqualTo("private 22");
      assertThat(allowed.next().dataString()).isEqualTo("public 23");
      assertThat(anonymous.next().dataString()).isEqualTo("public 23");
      anonymous.assertNoMoreEvents();
    }
  }

  @Test
  void theAlternateTopicTrickAuthorizesAPrivateUpdate() throws Exception {
    String claim = "https://example.com/users/foo/{?topic}";
    try (SseRecorder sse =
        SseRecorder.open(
            hub.subscribeUri(List.of("https://example.com/books/{id}"), ""),
            "Authorization",
            "Bearer " + subscriberToken(claim))) {
      awaitSubscribers(1);
      hub.post(
          publisherToken("*"), form("topic", BOOK, "data", "without alternate", "private", "on"));
      hub.post(
          publisherToken("*"),
          form(
              "topic", BOOK,
              "topic", "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1",
              "data", "with alternate",
              "private", "on"));
      assertThat(sse.next().dataString()).isEqualTo("with alternate");
      sse.assertNoMoreEvents();
    }
  }

  @Test
  void subscribersNeedAValidTokenUnlessAnonymousAndInvalidTokensAreAlwaysRefused()
      throws Exception {
    HttpResponse<String> invalid =
        hub.get(
            Hub.PATH + "?topic=x",
            "Authorization",
            "Bearer " + token(PUBLISHER_KEY, Map.of(), null));
    assertThat(invalid.statusCode()).isEqualTo(401);
    HttpResponse<String> viaQuery = hub.get(Hub.PATH + "?topic=x&authorization=not-a-jwt");
    assertThat(viaQuery.statusCode()).isEqualTo(401);
  }

  @Test
  void aSubscriberStreamEndsWhenItsTokenExpires() throws Exception {
    String shortLived =
        token(SUBSCRIBER_KEY, Map.of("subscribe", List.of("*")), Instant.now().plusSeconds(2));
    try (SseRecorder sse =
        SseRecorder.open(
            hub.subscribeUri(List.of(BOOK), ""), "Authorization", "Bearer " + shortLived)) {
      assertThat(sse.status()).isEqualTo(200);
      sse.awaitEnd();
    }
    await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 0);
  }

  @Test
  void theHubStreamStartsWithAPrimingCommentAndDiscoveryLinksArePrintable() throws Exception {
    try (SseRecorder sse = subscribe(BOOK)) {
      assertThat(sse.nextComment()).isEmpty();
    }
    assertThat(Hub.discoveryLink("https://hub.example/.well-known/mercure"))
        .isEqualTo("<https://hub.example/.well-known/mercure>; rel=\"mercure\"");
  }

  @Test
  void closingTheSubscriberUnregistersIt() throws Exception {
    try (SseRecorder sse = subscribe(BOOK)) {
      assertThat(sse.status()).isEqualTo(200);
      awaitSubscribers(1);
    }
    await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 0);
    assertThat(hub.publish(BOOK, "nobody listens")).startsWith("urn:uuid:");
  }
}
