package dev.herald.hub;

import static dev.herald.hub.HubExtension.subscriberToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.SseRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** History and resume: gapless, duplicate-free, observable when an id is lost. */
class HubResumeTest {
  private static final String TOPIC = "https://example.com/foos/{id}";

  @RegisterExtension
  final HubExtension hub =
      new HubExtension(
          b -> b.anonymous(true).historySize(5000).maxQueuedUpdates(50_000),
          s -> s.maxBufferedBytes(64 * 1024));

  private Update publish(String id, String data) {
    return hub.publishFoo(id, data);
  }

  private SseRecorder resume(String lastEventId) {
    return hub.resumeFoos(lastEventId);
  }

  @Test
  void aSubscriberResumingAfterAnIdGetsEverythingAfterItThenLiveUpdates() throws Exception {
    publish("a", "A");
    publish("b", "B");
    publish("c", "C");
    try (SseRecorder sse = resume("a")) {
      assertThat(sse.headers().firstValue("Last-Event-ID")).contains("a");
      assertThat(sse.next().id()).isEqualTo("b");
      assertThat(sse.next().id()).isEqualTo("c");
      publish("d", "D");
      assertThat(sse.next().id()).isEqualTo("d");
      sse.assertNoMoreEvents();
    }
  }

  @Test
  void queryParametersCarryTheLastEventIdAndTheHeaderWins() throws Exception {
    publish("a", "A");
    publish("b", "B");
    try (SseRecorder sse = SseRecorder.open(hub.subscribeUri(List.of(TOPIC), "lastEventID=a"))) {
      assertThat(sse.next().id()).isEqualTo("b");
    }
    try (SseRecorder sse = SseRecorder.open(hub.subscribeUri(List.of(TOPIC), "Last-Event-ID=a"))) {
      assertThat(sse.next().id()).isEqualTo("b");
    }
    try (SseRecorder sse =
        SseRecorder.open(hub.subscribeUri(List.of(TOPIC), "lastEventID=a"), "Last-Event-ID", "b")) {
      assertThat(sse.headers().firstValue("Last-Event-ID")).contains("b");
      publish("c", "C");
      assertThat(sse.next().id()).isEqualTo("c");
    }
  }

  @Test
  void earliestReplaysAllHistoryAndAnUnknownIdIsReportedAsEarliest() throws Exception {
    publish("a", "A");
    publish("b", "B");
    try (SseRecorder sse = resume("earliest")) {
      assertThat(sse.headers().firstValue("Last-Event-ID")).contains("earliest");
      assertThat(sse.next().id()).isEqualTo("a");
      assertThat(sse.next().id()).isEqualTo("b");
    }
    try (SseRecorder sse = resume("never-published")) {
      assertThat(sse.headers().firstValue("Last-Event-ID")).contains("earliest");
      publish("c", "C");
      assertThat(sse.next().id()).as("nothing replayed, live continues").isEqualTo("c");
    }
    try (SseRecorder sse = SseRecorder.open(hub.subscribeUri(List.of(TOPIC), ""))) {
      assertThat(sse.headers().firstValue("Last-Event-ID")).as("no id asked, none sent").isEmpty();
    }
  }

  @Test
  void resumeIsGaplessAndDuplicateFreeWhilePublishingContinuesAtFullSpeed() throws Exception {
    int total = 3000;
    List<String> ids = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> publisher =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < total; i++) {
                ids.add(publish("n" + i, "payload " + i).id());
              }
            });
    await().atMost(SseRecorder.TIMEOUT).until(() -> ids.size() > 100);
    String resumeAfter = ids.get(50);
    try (SseRecorder sse = resume(resumeAfter)) {
      publisher.get(60, TimeUnit.SECONDS);
      List<String> received = new ArrayList<>();
      for (int i = 51; i < total; i++) {
        received.add(sse.next().id());
      }
      assertThat(received).containsExactlyElementsOf(ids.subList(51, total));
      sse.assertNoMoreEvents();
    }
  }

  @Test
  void publishingAnIdAgainIsAcknowledgedButDeliveredOnce() throws Exception {
    try (SseRecorder sse = SseRecorder.open(hub.subscribeUri(List.of(TOPIC), ""))) {
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
      assertThat(hub.publish("https://example.com/foos/r", "first", "id", "retry-1"))
          .isEqualTo("retry-1");
      assertThat(hub.publish("https://example.com/foos/r", "first", "id", "retry-1"))
          .isEqualTo("retry-1");
      publish("after", "marker");
      assertThat(sse.next().id()).isEqualTo("retry-1");
      assertThat(sse.next().id()).isEqualTo("after");
    }
  }

  @Test
  void privateHistoryIsFilteredLikeLiveUpdates() throws Exception {
    publish("a", "public");
    hub.hub()
        .publish(
            Update.builder("https://example.com/foos/p")
                .id("p")
                .data("private")
                .privateUpdate(true)
                .build());
    publish("z", "after");
    try (SseRecorder anonymous = resume("earliest");
        SseRecorder allowed =
            SseRecorder.open(
                hub.subscribeUri(List.of(TOPIC), ""),
                "Last-Event-ID",
                "earliest",
                "Authorization",
                "Bearer " + subscriberToken("https://example.com/foos/p"))) {
      assertThat(anonymous.next().id()).isEqualTo("a");
      assertThat(anonymous.next().id()).isEqualTo("z");
      assertThat(allowed.next().id()).isEqualTo("a");
      assertThat(allowed.next().id()).isEqualTo("p");
      assertThat(allowed.next().id()).isEqualTo("z");
    }
  }

  @Test
  void replayedFramesAreByteForByteTheFramesSentLive() throws Exception {
    List<Update> updates =
        List.of(
            Update.builder("https://example.com/foos/1").id("f1").data("plain").build(),
            Update.builder("https://example.com/foos/2")
                .id("f2")
                .data("two\nlines")
                .type("foo.changed")
                .retry(Duration.ofMillis(2500))
                .build(),
            Update.builder("https://example.com/foos/3")
                .id("f3")
                .data("secret")
                .privateUpdate(true)
                .build(),
            Update.builder("https://example.com/foos/4").id("f4").data("Ünïcödé ✓").build());
    List<String> live;
    try (RawHttp raw = openRaw(null)) {
      HttpReader reader = new HttpReader(raw.socket());
      assertThat(reader.head().status()).isEqualTo(200);
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
      updates.forEach(hub.hub()::publish);
      live = frames(reader, 3);
    }
    List<String> replayed;
    try (RawHttp raw = openRaw("earliest")) {
      HttpReader reader = new HttpReader(raw.socket());
      assertThat(reader.head().status()).isEqualTo(200);
      replayed = frames(reader, 3);
    }

    assertThat(live)
        .extracting(f -> f.replaceAll("(?s).*?(id: [^\n]*).*", "$1"))
        .containsExactly("id: f1", "id: f2", "id: f4");
    assertThat(live.get(1)).contains("retry: 2500\n", "event: foo.changed\n", "data: lines\n");
    assertThat(replayed).as("the private update is filtered from both").isEqualTo(live);
  }

  private RawHttp openRaw(@Nullable String lastEventId) throws Exception {
    URI uri = hub.subscribeUri(List.of(TOPIC), "");
    RawHttp raw = new RawHttp(hub.server().port());
    raw.socket().setSoTimeout((int) SseRecorder.TIMEOUT.toMillis());
    raw.send(
        "GET "
            + uri.getRawPath()
            + "?"
            + uri.getRawQuery()
            + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
            + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n")
            + "\r\n");
    return raw;
  }

  @Test
  void aLongReplayIsWrittenInFewChunksAndCountedPerUpdate() throws Exception {
    int total = 2000;
    publish("first", "before");
    for (int i = 0; i < total; i++) {
      publish("n" + i, "payload " + i);
    }
    long deliveriesBefore = hub.hub().stats().deliveries();
    long replayedBefore = hub.hub().stats().replayedUpdates();
    int[] chunks = new int[1];
    List<String> frames;
    try (RawHttp raw = openRaw("first")) {
      HttpReader reader = new HttpReader(raw.socket());
      assertThat(reader.head().status()).isEqualTo(200);
      frames = frames(reader, total, chunks);
    }

    assertThat(frames).hasSize(total);
    for (int i = 0; i < total; i++) {
      assertThat(frames.get(i)).isEqualTo("id: n" + i + "\ndata: payload " + i + "\n\n");
    }
    assertThat(chunks[0]).as("chunks for %s updates", total).isLessThan(total / 10);
    await()
        .atMost(SseRecorder.TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(hub.hub().stats().replayedUpdates() - replayedBefore).isEqualTo(total);
              assertThat(hub.hub().stats().deliveries() - deliveriesBefore).isEqualTo(total);
            });
  }

  private static List<String> frames(HttpReader reader, int count) throws Exception {
    return frames(reader, count, new int[1]);
  }

  /**
   * Reads chunks until {@code count} event frames (those with an id) have come; a chunk may hold
   * several. Counts the chunks read in {@code chunks[0]}.
   */
  private static List<String> frames(HttpReader reader, int count, int[] chunks) throws Exception {
    List<String> frames = new ArrayList<>();
    while (frames.size() < count && chunks[0] < 10 * count) {
      byte[] chunk = reader.chunk();
      chunks[0]++;
      assertThat(chunk).as("stream ended early").isNotNull();
      String text = new String(chunk, StandardCharsets.UTF_8);
      for (String frame : text.split("(?<=\n\n)")) {
        if (frame.startsWith("id: ") || frame.contains("\nid: ")) {
          frames.add(frame);
        }
      }
    }
    return frames;
  }
}
