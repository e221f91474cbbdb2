package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.MessageEvent;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 10 MB event and 100,000 events on one connection: checks that they arrive whole and in order.
 * No timing is asserted; a quadratic copy would show as a test that takes minutes.
 */
class LargeAndFastTest {
  private static final int CHUNK = 64 * 1024;

  private static List<Integer> chunks(int length) {
    List<Integer> sizes = new ArrayList<>();
    for (int left = length; left > 0; left -= CHUNK) {
      sizes.add(Math.min(CHUNK, left));
    }
    return sizes;
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void receivesA10MegabyteEvent(HttpClient.Version version) throws Exception {
    StringBuilder data = new StringBuilder(10 * 1024 * 1024 + 16);
    for (int i = 0; data.length() < 10 * 1024 * 1024; i++) {
      data.append((char) ('a' + i % 26));
    }
    String big = data.toString();
    byte[] body =
        ("id: big\ndata: " + big + "\n\ndata: after\n\n").getBytes(StandardCharsets.UTF_8);
    try (ScriptServer server =
        ScriptServer.start(x -> x.stream().sendInChunks(body, chunks(body.length)).awaitClosed())) {
      CompletableFuture<MessageEvent> first = new CompletableFuture<>();
      CompletableFuture<MessageEvent> second = new CompletableFuture<>();
      try (EventSource source = EventSource.builder(server.uri("/big")).version(version).build()) {
        source.onMessage(e -> (first.isDone() ? second : first).complete(e)).start();

        MessageEvent e = first.get(30, TimeUnit.SECONDS);
        assertThat(e.id()).isEqualTo("big");
        assertThat(e.dataString()).hasSize(big.length()).isEqualTo(big);
        assertThat(second.get(10, TimeUnit.SECONDS).dataString()).isEqualTo("after");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void receivesOneHundredThousandEventsInOrderThroughListeners(HttpClient.Version version)
      throws Exception {
    int total = 100_000;
    byte[] body = manyEvents(total);
    try (ScriptServer server =
        ScriptServer.start(x -> x.stream().sendInChunks(body, chunks(body.length)).awaitClosed())) {
      List<MessageEvent> events = new ArrayList<>(total);
      CompletableFuture<Void> all = new CompletableFuture<>();
      try (EventSource source = EventSource.builder(server.uri("/fast")).version(version).build()) {
        source
            .onMessage(
                e -> {
                  // Listeners run on the source's one thread: no lock needed.
                  events.add(e);
                  if (events.size() == total) {
                    all.complete(null);
                  }
                })
            .start();
        all.get(60, TimeUnit.SECONDS);
      }
      assertInOrder(events, total);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void receivesOneHundredThousandEventsInOrderThroughTheIterator(HttpClient.Version version)
      throws Exception {
    int total = 100_000;
    byte[] body = manyEvents(total);
    try (ScriptServer server =
            ScriptServer.start(
                x -> x.stream().sendInChunks(body, chunks(body.length)).awaitClosed());
        EventIterator iterator =
            EventSource.builder(server.uri("/fast")).version(version).buildIterator()) {
      List<MessageEvent> events = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        MessageEvent e = iterator.next(Duration.ofSeconds(30));
        assertThat(e).isNotNull();
        events.add(e);
      }
      assertInOrder(events, total);
    }
  }

  private static byte[] manyEvents(int total) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(total * 24);
    for (int i = 0; i < total; i++) {
      out.writeBytes(("id: " + i + "\ndata: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static void assertInOrder(List<MessageEvent> events, int total) {
    assertThat(events).hasSize(total);
    for (int i = 0; i < total; i++) {
      MessageEvent e = events.get(i);
      if (!e.dataString().equals("event " + i) || !e.id().equals(Integer.toString(i))) {
        assertThat(e.dataString()).as("event %d", i).isEqualTo("event " + i);
        assertThat(e.id()).as("id of event %d", i).isEqualTo(Integer.toString(i));
      }
    }
  }
}
