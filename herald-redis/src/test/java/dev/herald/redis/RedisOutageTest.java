package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.hub.BrokerUnavailableException;
import dev.herald.hub.Update;
import dev.herald.redis.testing.RedisServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis stopped and restarted under running instances: 503s, connected subscribers, no loss. */
class RedisOutageTest {
  private static final String TOPIC = "https://example.com/feed";
  private static final int MAX_PUBLISHES = 5000;

  @RegisterExtension final RedisServerExtension redis = RedisServerExtension.appendOnly();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private HubInstance instance() {
    HubInstance instance = HubInstance.start(redis.uri());
    toClose.add(instance);
    return instance;
  }

  @Test
  void whileRedisIsDownPublishingAnswers503AndSubscribersStayConnected() throws Exception {
    HubInstance a = instance();
    HubInstance b = instance();
    SseRecorder onA = a.subscribe(TOPIC, null);
    SseRecorder onB = b.subscribe(TOPIC, null);
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      before.add(a.publish(TOPIC, "before " + i));
    }
    assertThat(HubInstance.ids(onA, 5)).containsExactlyElementsOf(before);
    assertThat(HubInstance.ids(onB, 5)).containsExactlyElementsOf(before);

    redis.server().stop();
    await().atMost(HubInstance.TIMEOUT).until(() -> !a.hub().ready() && !b.hub().ready());
    assertThat(a.broker().available()).isFalse();

    HttpResponse<String> refused = a.post(TOPIC, "refused", null);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(refused.body()).doesNotContain("Exception");
    assertThatThrownBy(() -> b.hub().publish(Update.builder(TOPIC).data("refused").build()))
        .isInstanceOf(BrokerUnavailableException.class);
    // A resume this instance can answer from its own history still works.
    SseRecorder resumed = b.subscribe(TOPIC, before.get(2));
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(HubInstance.ids(resumed, 2)).containsExactlyElementsOf(before.subList(3, 5));
    // One it cannot place is refused rather than answered with everything or nothing.
    assertThat(b.subscribe(TOPIC, "urn:example:unknown").status()).isEqualTo(503);
    assertThat(onA.isEnded()).isFalse();
    assertThat(onB.isEnded()).isFalse();

    redis.server().restart();
    await().atMost(HubInstance.TIMEOUT).until(() -> a.hub().ready() && b.hub().ready());
    String after = b.publish(TOPIC, "after");
    for (SseRecorder client : List.of(onA, onB, resumed)) {
      assertThat(client.next().id()).isEqualTo(after);
    }
    assertThat(onA.eventsReceived()).isEqualTo(6);
    assertThat(onB.eventsReceived()).isEqualTo(6);
    assertThat(a.broker().outages()).isEqualTo(1);
    assertThat(a.broker().refused()).isGreaterThanOrEqualTo(1);

    // The restarted Redis kept the log: a new instance replays all of it.
    SseRecorder fresh = instance().subscribe(TOPIC, "earliest");
    List<String> all = new ArrayList<>(before);
    all.add(after);
    assertThat(HubInstance.ids(fresh, 6)).containsExactlyElementsOf(all);
  }

  @Test
  void noAcknowledgedUpdateIsLostWhenRedisRestartsDuringPublishing() throws Exception {
    HubInstance a = instance();
    HubInstance b = instance();
    SseRecorder onB = b.subscribe(TOPIC, null);
    assertThat(onB.status()).isEqualTo(200);
    List<String> acked = new CopyOnWriteArrayList<>();
    AtomicInteger refusals = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Thread publisher =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + HubInstance.TIMEOUT.multipliedBy(3).toNanos();
              for (int i = 0; i < MAX_PUBLISHES && !stop.get(); i++) {
                if (System.nanoTime() > deadline) {
                  return;
                }
                try {
                  HttpResponse<String> r = a.post(TOPIC, "update " + i, null);
                  if (r.statusCode() == 200) {
                    acked.add(r.body());
                  } else if (r.statusCode() == 503) {
                    refusals.incrementAndGet();
                  } else {
                    throw new AssertionError(r.statusCode() + " " + r.body());
                  }
                } catch (IOException e) {
                  throw new AssertionError(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              }
            },
            "publisher");
    publisher.start();
    try {
      await().atMost(HubInstance.TIMEOUT).until(() -> acked.size() >= 50);
      redis.server().stop();
      await().atMost(HubInstance.TIMEOUT).until(() -> refusals.get() >= 5);
      int ackedWhileDown = acked.size();
      redis.server().restart();
      await().atMost(HubInstance.TIMEOUT).until(() -> acked.size() >= ackedWhileDown + 50);
    } finally {
      stop.set(true);
      publisher.join(HubInstance.TIMEOUT.toMillis());
    }
    assertThat(publisher.isAlive()).isFalse();
    String marker = b.publish(TOPIC, "marker");
    List<String> expected = new ArrayList<>(acked);

    // The subscriber on B stayed connected through it all, and got every acknowledged update.
    List<String> received = idsThrough(onB, marker, MAX_PUBLISHES + 1);
    assertThat(new HashSet<>(received)).as("no duplicates").hasSameSizeAs(received);
    assertThat(received.stream().filter(new HashSet<>(expected)::contains).toList())
        .containsExactlyElementsOf(expected);
    // So does the log in Redis, read by an instance that was not there.
    List<String> logged =
        idsThrough(instance().subscribe(TOPIC, "earliest"), marker, MAX_PUBLISHES);
    assertThat(logged).isEqualTo(received);
  }

  private static List<String> idsThrough(SseRecorder client, String last, int max)
      throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      String id = client.next().id();
      ids.add(id);
      if (last.equals(id)) {
        return ids;
      }
    }
    throw new AssertionError("no " + last + " among the first " + max + " events");
  }
}
