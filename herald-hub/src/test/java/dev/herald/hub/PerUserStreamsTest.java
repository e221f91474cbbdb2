package dev.herald.hub;

import static dev.herald.hub.HubExtension.subscriberToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.SseRecorder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lesson's {@code /notifications/me}, the hub way (docs/HUB.md, "Per-user streams"): each
 * user's token allows {@code https://example.com/users/{id}/…}; notifications are private updates
 * to {@code https://example.com/users/<id>/notifications}; every tab of the user receives them and
 * nobody else does, even someone who subscribes to that exact topic.
 */
class PerUserStreamsTest {
  private static final String ALICE = "https://example.com/users/alice/notifications";

  @RegisterExtension final HubExtension hub = new HubExtension(b -> {});

  private SseRecorder tab(String user) {
    return SseRecorder.open(
        hub.subscribeUri(List.of("https://example.com/users/" + user + "/notifications"), ""),
        "Authorization",
        "Bearer " + subscriberToken("https://example.com/users/" + user + "/{+rest}"));
  }

  @Test
  void aPrivateNotificationReachesEveryTabOfItsUserAndNobodyElse() throws Exception {
    try (SseRecorder aliceTab1 = tab("alice");
        SseRecorder aliceTab2 = tab("alice");
        SseRecorder bob = tab("bob");
        SseRecorder eavesdropper =
            SseRecorder.open(
                hub.subscribeUri(List.of(ALICE), ""),
                "Authorization",
                "Bearer " + subscriberToken("https://example.com/users/bob/{+rest}"))) {
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 4);
      hub.publish(ALICE, "for alice", "private", "on");
      hub.publish("https://example.com/users/bob/notifications", "for bob", "private", "on");

      assertThat(aliceTab1.next().dataString()).isEqualTo("for alice");
      assertThat(aliceTab2.next().dataString()).isEqualTo("for alice");
      assertThat(bob.next().dataString()).isEqualTo("for bob");
      aliceTab1.assertNoMoreEvents();
      eavesdropper.assertNoMoreEvents();
    }
  }

  @Test
  void aSubscriberWithoutATokenIsRefusedWhenTheHubIsNotAnonymous() throws Exception {
    assertThat(hub.get(Hub.PATH + "?topic=" + ALICE).statusCode()).isEqualTo(401);
  }
}
