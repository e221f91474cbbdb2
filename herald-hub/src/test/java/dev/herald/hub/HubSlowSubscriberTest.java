package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.SseRecorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A subscriber that stops reading is cut without slowing the hub, and resumes without loss. */
class HubSlowSubscriberTest {
  private static final String TOPIC = "https://example.com/foos/{id}";

  @RegisterExtension
  final HubExtension hub =
      new HubExtension(
          b -> b.anonymous(true).historySize(5000).maxQueuedUpdates(100),
          s -> s.maxBufferedBytes(64 * 1024));

  private Update publish(String id, String data) {
    return hub.publishFoo(id, data);
  }

  private SseRecorder resume(String lastEventId) {
    return hub.resumeFoos(lastEventId);
  }

  @Test
  void aSubscriberThatStopsReadingIsCutAndResumesWithoutLoss() throws Exception {
    String big = "x".repeat(4096);
    List<String> ids = new ArrayList<>();
    try (RawHttp stalled = new RawHttp(hub.server().port())) {
      stalled.socket().setReceiveBufferSize(4096);
      stalled.send(
          "GET "
              + Hub.PATH
              + "?topic="
              + TOPIC.replace("{", "%7B").replace("}", "%7D")
              + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
      for (int i = 0; i < 2000 && hub.hub().subscriberCount() > 0; i++) {
        ids.add(publish("big" + i, big).id());
      }
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 0);
    }
    assertThat(ids.size()).as("cut before 2000 updates of 4 KiB").isLessThan(2000);
    try (SseRecorder sse = resume(ids.get(0))) {
      for (int i = 1; i < ids.size(); i++) {
        assertThat(sse.next().id()).isEqualTo(ids.get(i));
      }
    }
  }

  @Test
  void aSlowSubscriberNeverDelaysAFastOne() throws Exception {
    String big = "y".repeat(4096);
    try (RawHttp stalled = new RawHttp(hub.server().port());
        SseRecorder fast = SseRecorder.open(hub.subscribeUri(List.of(TOPIC), ""))) {
      stalled.send(
          "GET "
              + Hub.PATH
              + "?topic="
              + TOPIC.replace("{", "%7B").replace("}", "%7D")
              + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      stalled.socket().setReceiveBufferSize(4096);
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 2);
      for (int i = 0; i < 2000 && hub.hub().subscriberCount() == 2; i++) {
        String id = publish("f" + i, big).id();
        assertThat(fast.next().id()).isEqualTo(id);
      }
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
    }
  }
}
