package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.SseRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Hub#stats()} and the publish-latency callback: each counter moves with its event. */
class HubStatsTest {
  private static final Duration TIMEOUT = SseRecorder.TIMEOUT;
  private static final String FOOS = "https://example.com/foos/{id}";

  private final List<Long> latencies = new CopyOnWriteArrayList<>();

  @RegisterExtension
  final HubExtension hub =
      new HubExtension(b -> b.anonymous(true).historySize(3).publishLatency(latencies::add));

  @Test
  void countsPublishesDeliveriesAndSubscriptions() throws Exception {
    HubStats stats = hub.hub().stats();
    assertThat(stats.subscriptions()).isZero();
    assertThat(stats.updatesPublished()).isZero();

    try (SseRecorder first = SseRecorder.open(hub.subscribeUri(List.of(FOOS), ""));
        SseRecorder second = SseRecorder.open(hub.subscribeUri(List.of(FOOS), ""));
        SseRecorder other =
            SseRecorder.open(hub.subscribeUri(List.of("https://example.com/bars/1"), ""))) {
      assertThat(first.status()).isEqualTo(200);
      assertThat(second.status()).isEqualTo(200);
      assertThat(other.status()).isEqualTo(200);
      assertThat(stats.subscriptions()).isEqualTo(3);

      hub.publishFoo("a", "one");
      hub.publish("https://example.com/foos/b", "two");
      for (SseRecorder subscriber : List.of(first, second)) {
        assertThat(subscriber.next().dataString()).isEqualTo("one");
        assertThat(subscriber.next().dataString()).isEqualTo("two");
      }

      assertThat(stats.updatesPublished()).isEqualTo(2);
      await().atMost(TIMEOUT).until(() -> stats.deliveries() == 4);
      assertThat(other.eventsReceived()).isZero();
      assertThat(stats.resumes()).isZero();
      assertThat(stats.replayedUpdates()).isZero();
      assertThat(stats.historySize()).isEqualTo(2);
      assertThat(latencies).hasSize(2).allSatisfy(nanos -> assertThat(nanos).isPositive());
    }
    await().atMost(TIMEOUT).until(() -> stats.subscriptions() == 0);
  }

  @Test
  void aRetriedPublishIsNotCountedTwice() {
    hub.publishFoo("a", "one");
    hub.publishFoo("a", "one");

    assertThat(hub.hub().stats().updatesPublished()).isEqualTo(1);
    assertThat(latencies).hasSize(1);
  }

  @Test
  void countsResumesAndTheUpdatesReplayedFromHistory() throws Exception {
    HubStats stats = hub.hub().stats();
    String first = hub.publishFoo("a", "one").id();
    for (String id : List.of("b", "c", "d")) {
      hub.publishFoo(id, id);
    }
    assertThat(stats.historySize()).as("bounded by historySize(3)").isEqualTo(3);

    try (SseRecorder resumed = hub.resumeFoos("b")) {
      assertThat(resumed.next().dataString()).isEqualTo("c");
      assertThat(resumed.next().dataString()).isEqualTo("d");
      hub.publishFoo("e", "e");
      assertThat(resumed.next().dataString()).isEqualTo("e");
      await().atMost(TIMEOUT).until(() -> stats.deliveries() == 3);
      assertThat(stats.replayedUpdates()).isEqualTo(2);
      assertThat(stats.resumes()).isEqualTo(1);
    }
    try (SseRecorder unknown = hub.resumeFoos(first)) {
      assertThat(unknown.status()).isEqualTo(200);
      assertThat(stats.resumes()).as("an id no longer held still counts as a resume").isEqualTo(2);
    }
    assertThat(stats.replayedUpdates()).isEqualTo(2);
  }

  @Test
  void aFailingLatencyCallbackDoesNotFailPublishing() {
    try (Hub failing =
        Hub.builder()
            .publishLatency(
                nanos -> {
                  throw new IllegalStateException("broken metrics");
                })
            .build()) {
      Update first = failing.publish(Update.builder("https://example.com/foos/1").build());
      Update second = failing.publish(Update.builder("https://example.com/foos/2").build());

      assertThat(first.id()).isNotEqualTo(second.id());
      assertThat(failing.stats().updatesPublished()).isEqualTo(2);
      assertThat(failing.stats().historySize()).isEqualTo(2);
    }
  }

  @Test
  void aClosedHubReportsAnEmptyHistory() {
    hub.publishFoo("a", "one");
    hub.hub().close();

    assertThat(hub.hub().stats().historySize()).isZero();
    assertThat(hub.hub().stats().updatesPublished()).isEqualTo(1);
  }
}
