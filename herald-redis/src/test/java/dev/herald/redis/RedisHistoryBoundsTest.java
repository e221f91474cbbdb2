package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.redis.testing.RedisServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The log in Redis is bounded by count and by age, and its id index with it. */
class RedisHistoryBoundsTest {
  private static final String TOPIC = "https://example.com/feed";

  @RegisterExtension final RedisServerExtension redis = RedisServerExtension.inMemory();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private HubInstance instance(int size, Duration maxAge) {
    HubInstance instance =
        HubInstance.start(
            redis.uri(),
            b -> b.historySize(size).historyMaxAge(maxAge),
            h -> h.historySize(size).historyMaxAge(maxAge));
    toClose.add(instance);
    return instance;
  }

  @Test
  void theLogKeepsTheNewestUpdatesUpToItsSize() throws Exception {
    HubInstance a = instance(5, Duration.ZERO);
    HubInstance b = instance(5, Duration.ZERO);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(a.publish(TOPIC, "update " + i));
    }
    assertThat(redis.server().command("XLEN {herald}:log")).isEqualTo(":5");
    assertThat(redis.server().command("HLEN {herald}:ids")).isEqualTo(":5");

    // As on one hub: a trimmed id is answered with "earliest" (the client missed updates).
    SseRecorder trimmed = b.subscribe(TOPIC, ids.get(3));
    assertThat(trimmed.headers().firstValue("Last-Event-ID")).hasValue("earliest");
    SseRecorder held = b.subscribe(TOPIC, ids.get(8));
    assertThat(held.headers().firstValue("Last-Event-ID")).hasValue(ids.get(8));
    assertThat(HubInstance.ids(held, 3)).containsExactlyElementsOf(ids.subList(9, 12));

    // A trimmed id is no longer held, so publishing it again is a new update.
    assertThat(a.post(TOPIC, "again", "urn:example:x").statusCode()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      a.publish(TOPIC, "more " + i);
    }
    assertThat(a.post(TOPIC, "again", "urn:example:x").statusCode()).isEqualTo(200);
    assertThat(redis.server().command("HLEN {herald}:ids")).isEqualTo(":5");
    assertThat(trimmed.next().id()).isEqualTo("urn:example:x");
  }

  @Test
  void theLogDropsUpdatesOnceTheyAreOlderThanItsMaxAgeEvenWhenIdle() throws Exception {
    HubInstance a = instance(100, Duration.ofSeconds(1));
    HubInstance b = instance(100, Duration.ofSeconds(1));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(a.publish(TOPIC, "update " + i));
    }
    assertThat(redis.server().command("XLEN {herald}:log")).isEqualTo(":3");
    await()
        .atMost(HubInstance.TIMEOUT)
        .until(() -> redis.server().command("XLEN {herald}:log").equals(":0"));
    assertThat(redis.server().command("HLEN {herald}:ids")).isEqualTo(":0");
    SseRecorder expired = b.subscribe(TOPIC, ids.get(0));
    assertThat(expired.headers().firstValue("Last-Event-ID")).hasValue("earliest");
    String fresh = a.publish(TOPIC, "fresh");
    assertThat(expired.next().id()).isEqualTo(fresh);
    assertThat(expired.eventsReceived()).isEqualTo(1);
  }
}
