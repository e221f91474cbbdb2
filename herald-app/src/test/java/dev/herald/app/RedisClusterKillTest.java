package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.redis.testing.RedisServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real {@code herald serve --redis} processes on one real {@code redis-server}: one is killed
 * with SIGKILL while clients are connected and updates are being published; its clients resume on
 * another instance with {@code Last-Event-ID} and miss nothing, twice nothing.
 */
class RedisClusterKillTest {
  private static final String TOPIC = "https://example.com/feed";
  private static final int MAX_PUBLISHES = 3000;

  @RegisterExtension final RedisServerExtension redis = RedisServerExtension.inMemory();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private HeraldProcess startHub() throws Exception {
    HeraldProcess herald =
        HeraldProcess.start(
            "serve", "--port", "0", "--jwt-key", Tokens.KEY, "--redis", redis.uri());
    toClose.add(herald);
    herald.awaitListening();
    return herald;
  }

  private SseRecorder subscribe(HeraldProcess herald, String lastEventId) throws Exception {
    String bearer = "Bearer " + Tokens.all(Tokens.KEY);
    SseRecorder client =
        lastEventId == null
            ? SseRecorder.open(herald.subscribeUri("*"), "Authorization", bearer)
            : SseRecorder.open(
                herald.subscribeUri("*"), "Authorization", bearer, "Last-Event-ID", lastEventId);
    toClose.add(client);
    assertThat(client.status()).isEqualTo(200);
    return client;
  }

  @Test
  void clientsOfAKilledInstanceResumeOnAnotherWithNothingLostOrDuplicated() throws Exception {
    List<HeraldProcess> hubs = List.of(startHub(), startHub(), startHub());
    HeraldProcess victim = hubs.get(0);
    List<SseRecorder> onVictim = List.of(subscribe(victim, null), subscribe(victim, null));
    List<SseRecorder> survivors =
        List.of(subscribe(hubs.get(1), null), subscribe(hubs.get(2), null));
    String token = Tokens.all(Tokens.KEY);

    List<String> acked = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean victimDead = new AtomicBoolean();
    Thread publisher =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + HeraldProcess.TIMEOUT.multipliedBy(2).toNanos();
              for (int i = 0; i < MAX_PUBLISHES && !stop.get(); i++) {
                if (System.nanoTime() > deadline) {
                  return;
                }
                HeraldProcess on = hubs.get(i % hubs.size());
                if (on == victim && victimDead.get()) {
                  continue;
                }
                try {
                  HttpResponse<String> r = on.post(token, TOPIC, "update " + i);
                  if (r.statusCode() == 200) {
                    acked.add(r.body());
                  } else {
                    failures.add(r.statusCode() + " " + r.body());
                  }
                } catch (IOException e) {
                  if (on != victim) {
                    failures.add(e.toString());
                  }
                  // On the victim: killed mid-request, not acknowledged.
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            },
            "publisher");
    publisher.start();
    try {
      await().atMost(HeraldProcess.TIMEOUT).until(() -> acked.size() >= 60);
      victimDead.set(true);
      victim.kill();
      int atKill = acked.size();
      await().atMost(HeraldProcess.TIMEOUT).until(() -> acked.size() >= atKill + 60);
    } finally {
      stop.set(true);
      publisher.join(HeraldProcess.TIMEOUT.toMillis());
    }
    assertThat(publisher.isAlive()).isFalse();
    assertThat(failures).isEmpty();

    // The victim's clients saw their streams cut; each resumes on another instance.
    List<List<String>> resumedIds = new ArrayList<>();
    for (int c = 0; c < onVictim.size(); c++) {
      SseRecorder cut = onVictim.get(c);
      await().atMost(HeraldProcess.TIMEOUT).until(cut::isEnded);
      List<String> seen = new ArrayList<>();
      for (int i = cut.eventsReceived(); i > 0; i--) {
        seen.add(cut.next().id());
      }
      assertThat(seen).as("client %s saw updates before the kill", c).isNotEmpty();
      SseRecorder resumed = subscribe(hubs.get(1 + c), seen.get(seen.size() - 1));
      assertThat(resumed.headers().firstValue("Last-Event-ID")).hasValue(seen.get(seen.size() - 1));
      resumedIds.add(seen);
      onVictim = replace(onVictim, c, resumed);
    }
    String marker = hubs.get(1).publish(token, TOPIC, "marker");

    List<String> reference = idsThrough(survivors.get(0), marker);
    assertThat(new HashSet<>(reference)).as("no duplicates").hasSameSizeAs(reference);
    Set<String> delivered = new HashSet<>(reference);
    assertThat(acked).allMatch(delivered::contains, "acknowledged and delivered");
    assertThat(idsThrough(survivors.get(1), marker)).isEqualTo(reference);
    for (int c = 0; c < onVictim.size(); c++) {
      List<String> whole = new ArrayList<>(resumedIds.get(c));
      whole.addAll(idsThrough(onVictim.get(c), marker));
      assertThat(whole).as("client %s across the kill", c).isEqualTo(reference);
    }
  }

  private static List<SseRecorder> replace(List<SseRecorder> list, int index, SseRecorder with) {
    List<SseRecorder> copy = new ArrayList<>(list);
    copy.set(index, with);
    return copy;
  }

  private static List<String> idsThrough(SseRecorder client, String last)
      throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i <= MAX_PUBLISHES + 1; i++) {
      String id = client.next().id();
      ids.add(id);
      if (last.equals(id)) {
        return ids;
      }
    }
    throw new AssertionError("no " + last + " among the first " + ids.size() + " events");
  }
}
