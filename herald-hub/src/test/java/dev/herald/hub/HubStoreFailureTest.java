package dev.herald.hub;

import static dev.herald.hub.HubExtension.publisherToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** When the history store fails, publishing answers 503 and nothing unstored is delivered. */
class HubStoreFailureTest {
  private static final String TOPIC = "https://example.com/a";

  private final AtomicBoolean failing = new AtomicBoolean();

  @RegisterExtension
  final HubExtension hub = new HubExtension(b -> b.anonymous(true).history(failingHistory()));

  private History failingHistory() {
    History delegate = History.inMemory(100, Duration.ZERO);
    return new History() {
      @Override
      public long append(Update update) {
        if (failing.get()) {
          throw new IllegalStateException("history write failed: disk full");
        }
        return delegate.append(update);
      }

      @Override
      public long sequenceOf(String id) {
        return delegate.sequenceOf(id);
      }

      @Override
      public List<Entry> readAfter(long afterSequence, int max) {
        return delegate.readAfter(afterSequence, max);
      }

      @Override
      public long lastSequence() {
        return delegate.lastSequence();
      }

      @Override
      public String lastId() {
        return delegate.lastId();
      }

      @Override
      public long firstSequence() {
        return delegate.firstSequence();
      }

      @Override
      public int size() {
        return delegate.size();
      }

      @Override
      public void close() {
        delegate.close();
      }
    };
  }

  @Test
  void aPublishTheStoreRefusesIsAnswered503AndNeverDelivered() throws Exception {
    try (SseRecorder sse = SseRecorder.open(hub.subscribeUri(List.of(TOPIC), ""))) {
      await().atMost(SseRecorder.TIMEOUT).until(() -> hub.hub().subscriberCount() == 1);
      failing.set(true);
      HttpResponse<String> refused =
          hub.post(publisherToken("*"), Map.of("topic", List.of(TOPIC), "data", List.of("lost")));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(refused.body()).isEqualTo("hub unavailable, try again\n");

      failing.set(false);
      String id = hub.publish(TOPIC, "stored");
      assertThat(sse.next().id()).isEqualTo(id);
      sse.assertNoMoreEvents();
    }
  }
}
