package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.SseRecorder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code herald serve --history-dir} with SIGKILL, with no graceful stop, and checks that a
 * new process on the same directory still holds every update it acknowledged, in order, once.
 */
class DurableHistoryKillTest {
  private static final String TOPIC = "https://example.com/feed";
  private static final int UPDATES = 300;
  private static final int MAX_CONCURRENT_POSTS = 2000;

  @TempDir Path historyDir;

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
            "serve",
            "--port",
            "0",
            "--jwt-key",
            Tokens.KEY,
            "--history-dir",
            historyDir.toString());
    toClose.add(herald);
    assertThat(herald.awaitListening()).isEmpty();
    return herald;
  }

  private SseRecorder subscribe(HeraldProcess herald, String lastEventId) throws Exception {
    SseRecorder client =
        SseRecorder.open(
            herald.subscribeUri("*"),
            "Authorization",
            "Bearer " + Tokens.all(Tokens.KEY),
            "Last-Event-ID",
            lastEventId);
    toClose.add(client);
    assertThat(client.status()).isEqualTo(200);
    return client;
  }

  /** Reads ids until {@code last} arrives; fails if more than {@code max} arrive before it. */
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
    throw new AssertionError("no " + last + " among the first " + max + " events: " + ids);
  }

  @Test
  void everyAcknowledgedUpdateSurvivesSigkillInOrderExactlyOnce() throws Exception {
    HeraldProcess first = startHub();
    String token = Tokens.all(Tokens.KEY);
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < UPDATES; i++) {
      acknowledged.add(first.publish(token, TOPIC, "update " + i));
    }
    assertThat(new HashSet<>(acknowledged)).hasSize(UPDATES);

    first.kill();

    HeraldProcess second = startHub();
    SseRecorder fromEarliest = subscribe(second, "earliest");
    SseRecorder resumed = subscribe(second, acknowledged.get(99));
    assertThat(fromEarliest.headers().firstValue("Last-Event-ID")).hasValue("earliest");
    assertThat(resumed.headers().firstValue("Last-Event-ID")).hasValue(acknowledged.get(99));
    String marker = second.publish(token, TOPIC, "after restart");

    List<String> expectedAll = new ArrayList<>(acknowledged);
    expectedAll.add(marker);
    assertThat(idsThrough(fromEarliest, marker, UPDATES + 1))
        .containsExactlyElementsOf(expectedAll);
    List<String> expectedResumed = new ArrayList<>(acknowledged.subList(100, UPDATES));
    expectedResumed.add(marker);
    assertThat(idsThrough(resumed, marker, UPDATES + 1)).containsExactlyElementsOf(expectedResumed);
    assertThat(fromEarliest.eventsReceived()).isEqualTo(UPDATES + 1);
    assertThat(resumed.eventsReceived()).isEqualTo(UPDATES - 100 + 1);
  }

  @Test
  void everyUpdateSurvivesAGracefulStop() throws Exception {
    HeraldProcess first = startHub();
    String token = Tokens.all(Tokens.KEY);
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      acknowledged.add(first.publish(token, TOPIC, "update " + i));
    }

    first.terminate();
    assertThat(first.awaitExit()).isZero();

    HeraldProcess second = startHub();
    SseRecorder client = subscribe(second, "earliest");
    String marker = second.publish(token, TOPIC, "after restart");
    List<String> expected = new ArrayList<>(acknowledged);
    expected.add(marker);
    assertThat(idsThrough(client, marker, 21)).containsExactlyElementsOf(expected);
  }

  @Test
  void dataSurvivesSigkill() throws Exception {
    HeraldProcess first = startHub();
    String token = Tokens.all(Tokens.KEY);
    String id = first.publish(token, TOPIC, "{\"line\":\"é ✓\"}");

    first.kill();

    HeraldProcess second = startHub();
    SseRecorder client = subscribe(second, "earliest");
    var event = client.next();
    assertThat(event.id()).isEqualTo(id);
    assertThat(event.dataString()).isEqualTo("{\"line\":\"é ✓\"}");
  }

  @Test
  void everyAcknowledgedUpdateSurvivesSigkillDuringPublishing() throws Exception {
    HeraldProcess first = startHub();
    String token = Tokens.all(Tokens.KEY);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    List<String> refusals = new CopyOnWriteArrayList<>();
    Thread publisher =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + HeraldProcess.TIMEOUT.toNanos();
              for (int i = 0; i < MAX_CONCURRENT_POSTS && System.nanoTime() < deadline; i++) {
                try {
                  HttpResponse<String> response = first.post(token, TOPIC, "update " + i);
                  if (response.statusCode() != 200) {
                    refusals.add(response.statusCode() + " " + response.body());
                    return;
                  }
                  acknowledged.add(response.body());
                } catch (IOException e) {
                  return; // the hub is gone
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            },
            "publisher");
    publisher.start();
    try {
      await().atMost(HeraldProcess.TIMEOUT).until(() -> acknowledged.size() >= 100);
      first.kill();
    } finally {
      publisher.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(publisher.isAlive()).as("publisher stopped").isFalse();
    assertThat(refusals).isEmpty();
    assertThat(acknowledged).as("killed mid-way").hasSizeLessThan(MAX_CONCURRENT_POSTS);
    List<String> acked = List.copyOf(acknowledged);

    HeraldProcess second = startHub();
    SseRecorder client = subscribe(second, "earliest");
    String marker = second.publish(token, TOPIC, "after restart");
    List<String> history = idsThrough(client, marker, MAX_CONCURRENT_POSTS + 2);
    history.remove(history.size() - 1);

    assertThat(new HashSet<>(history)).as("no duplicates").hasSameSizeAs(history);
    // One publisher posts one update at a time: only the one in flight at the kill may be held
    // without an acknowledgement, and it comes last.
    assertThat(history).startsWith(acked.toArray(String[]::new));
    assertThat(history.size() - acked.size()).as("unacknowledged updates held").isBetween(0, 1);
  }
}
