package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NotificationsTest {
  private final Examples examples = Examples.create(TestConfigs.fast().build());

  @RegisterExtension final ServerExtension server = new ServerExtension(examples::configure);

  private String token(String userId) {
    return examples.issueToken(userId, Instant.now().plusSeconds(600));
  }

  private SseRecorder streamOf(String token) {
    return SseRecorder.open(server.uri("/notifications/me"), "Authorization", "Bearer " + token);
  }

  private HttpResponse<String> notify(String userId, String body, String token) throws Exception {
    return TestConfigs.post(
        server.uri("/notifications/" + userId), body, "Authorization", "Bearer " + token);
  }

  @Test
  void aValidTokenOpensTheStream() throws Exception {
    try (SseRecorder sse = streamOf(token("alice"))) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().firstValue("Content-Type"))
          .contains("text/event-stream; charset=utf-8");
    }
  }

  @Test
  void aStreamWithoutATokenIsRefusedWith401() throws Exception {
    HttpResponse<String> response = TestConfigs.get(server.uri("/notifications/me"));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("missing bearer token\n");
    assertThat(TestConfigs.get(server.uri("/notifications/me"), "Authorization", "Basic YTpi"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(401);
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefusedWith401() throws Exception {
    byte[] otherKey = "another key, also at least 32 bytes long".getBytes(StandardCharsets.UTF_8);
    String forged =
        Examples.create(ExamplesConfig.builder(otherKey).build())
            .issueToken("alice", Instant.now().plusSeconds(600));
    HttpResponse<String> response =
        TestConfigs.get(server.uri("/notifications/me"), "Authorization", "Bearer " + forged);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("invalid token\n");
  }

  @Test
  void anExpiredTokenIsRefusedWith401() throws Exception {
    String expired = examples.issueToken("alice", Instant.now().minusSeconds(60));
    HttpResponse<String> response =
        TestConfigs.get(server.uri("/notifications/me"), "Authorization", "Bearer " + expired);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("token expired\n");
  }

  @Test
  void anUnsignedAlgNoneTokenIsRefusedWith401() throws Exception {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String claims =
        base64.encodeToString(
            ("{\"sub\":\"alice\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}")
                .getBytes(StandardCharsets.UTF_8));
    for (String unsigned : new String[] {header + "." + claims + ".", header + "." + claims}) {
      HttpResponse<String> response =
          TestConfigs.get(server.uri("/notifications/me"), "Authorization", "Bearer " + unsigned);
      assertThat(response.statusCode()).as(unsigned).isEqualTo(401);
      assertThat(response.body()).isEqualTo("invalid token\n");
    }
  }

  @Test
  void pushingNeedsATokenToo() throws Exception {
    HttpResponse<String> response =
        TestConfigs.post(server.uri("/notifications/alice"), "{\"message\":\"hi\"}");
    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void aNotificationReachesEveryStreamOfItsUserAndNoOtherUser() throws Exception {
    String alice = token("alice");
    String bob = token("bob");
    try (SseRecorder aliceTab1 = streamOf(alice);
        SseRecorder aliceTab2 = streamOf(alice);
        SseRecorder bobTab = streamOf(bob)) {
      NotificationsService notifications = examples.notifications();
      await()
          .atMost(SseRecorder.TIMEOUT)
          .until(() -> notifications.streams("alice") == 2 && notifications.streams("bob") == 1);

      HttpResponse<String> pushed = notify("alice", "{\"message\":\"hello alice\"}", bob);
      assertThat(pushed.statusCode()).isEqualTo(202);
      assertThat(pushed.body()).isEqualTo("{\"userId\":\"alice\",\"delivered\":2}");

      String expected = "{\"message\":\"hello alice\",\"from\":\"bob\"}";
      for (SseRecorder tab : new SseRecorder[] {aliceTab1, aliceTab2}) {
        MessageEvent event = tab.next();
        assertThat(event.type()).isNull();
        assertThat(event.dataString()).isEqualTo(expected);
      }
      // Bob's stream is ordered: if alice's notification had reached it, it would come first.
      assertThat(notify("bob", "{\"message\":\"hello bob\"}", alice).body())
          .isEqualTo("{\"userId\":\"bob\",\"delivered\":1}");
      assertThat(bobTab.next().dataString())
          .isEqualTo("{\"message\":\"hello bob\",\"from\":\"alice\"}");
      aliceTab1.assertNoMoreEvents();
      aliceTab2.assertNoMoreEvents();
    }
  }

  @Test
  void aUsersSinkIsRemovedWhenTheirLastStreamCloses() throws Exception {
    String alice = token("alice");
    NotificationsService notifications = examples.notifications();
    try (SseRecorder tab1 = streamOf(alice)) {
      await().atMost(SseRecorder.TIMEOUT).until(() -> notifications.streams("alice") == 1);
      try (SseRecorder tab2 = streamOf(alice)) {
        await().atMost(SseRecorder.TIMEOUT).until(() -> notifications.streams("alice") == 2);
        assertThat(notify("alice", "{\"message\":\"two tabs\"}", alice).body())
            .endsWith("\"delivered\":2}");
        assertThat(tab2.next().dataString()).contains("two tabs");
      }
      await().atMost(SseRecorder.TIMEOUT).until(() -> notifications.streams("alice") == 1);
      assertThat(notifications.users()).isEqualTo(1);
      assertThat(notify("alice", "{\"message\":\"one tab\"}", alice).body())
          .endsWith("\"delivered\":1}");
      assertThat(tab1.next().dataString()).contains("two tabs");
      assertThat(tab1.next().dataString()).contains("one tab");
    }
    await().atMost(SseRecorder.TIMEOUT).until(() -> notifications.users() == 0);
    assertThat(notify("alice", "{\"message\":\"nobody home\"}", alice).body())
        .isEqualTo("{\"userId\":\"alice\",\"delivered\":0}");
    assertThat(notifications.users()).isZero();
  }

  @Test
  void aNotificationWithoutAMessageIsRefusedWith400() throws Exception {
    String alice = token("alice");
    HttpResponse<String> empty = notify("bob", "{}", alice);
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).isEqualTo("message: missing (expected: a non-empty string)\n");
    assertThat(notify("bob", "not json", alice).statusCode()).isEqualTo(400);
  }
}
