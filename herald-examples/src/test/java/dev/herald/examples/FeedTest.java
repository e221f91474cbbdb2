package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FeedTest {
  private final Examples examples = Examples.create(TestConfigs.fast().build());

  @RegisterExtension final ServerExtension server = new ServerExtension(examples::configure);

  @Test
  void eventsCycleThroughTheTypesWithIncreasingIds() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/notifications/feed"))) {
      String[] types = {"message", "alert", "update", "message"};
      for (int i = 0; i < types.length; i++) {
        MessageEvent event = sse.next();
        assertThat(Objects.requireNonNullElse(event.type(), MessageEvent.DEFAULT_TYPE))
            .isEqualTo(types[i]);
        assertThat(event.id()).isEqualTo(Integer.toString(i + 1));
        assertThat(event.dataString())
            .startsWith("{\"id\":" + (i + 1) + ",\"type\":\"" + types[i] + "\",\"text\":");
      }
    }
  }

  @Test
  void everyEventCarriesTheRetryFieldOnTheWire() throws Exception {
    try (RawHttp http = new RawHttp(server.port())) {
      http.send(
          "GET /notifications/feed HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n");
      String wire = http.readUntil("id: 3\n", SseRecorder.TIMEOUT);
      assertThat(wire)
          .startsWith("HTTP/1.1 200 OK")
          .contains("retry: 30000\nid: 1\nevent: message\ndata: {\"id\":1,")
          .contains("retry: 30000\nid: 2\nevent: alert\ndata: {\"id\":2,")
          .contains("retry: 30000\nid: 3\n");
    }
  }

  @Test
  void aClientResumingWithLastEventIdContinuesAfterIt() throws Exception {
    try (SseRecorder sse =
        SseRecorder.open(server.uri("/notifications/feed"), "Last-Event-ID", "41")) {
      MessageEvent event = sse.next();
      assertThat(event.id()).isEqualTo("42");
      assertThat(event.type()).isEqualTo("update");
    }
  }
}
