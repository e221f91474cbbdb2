package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IntervalStreamTest {
  private final Examples examples = Examples.create(TestConfigs.fast().build());

  @RegisterExtension final ServerExtension server = new ServerExtension(examples::configure);

  @Test
  void sendsHelloWorldAsJsonOnEveryTick() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/sse"))) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().firstValue("Content-Type"))
          .contains("text/event-stream; charset=utf-8");
      for (int i = 0; i < 3; i++) {
        var event = sse.next();
        assertThat(event.type()).isNull();
        assertThat(event.dataString()).isEqualTo("{\"hello\":\"world\"}");
      }
    }
  }

  @Test
  void closingTheClientRunsTheCleanupOnce() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/sse"))) {
      sse.next();
      assertThat(examples.interval().cleanups()).isZero();
    }
    await().atMost(SseRecorder.TIMEOUT).until(() -> examples.interval().cleanups() == 1);
    await().atMost(SseRecorder.TIMEOUT).until(() -> server.server().streamCount() == 0);
    assertThat(examples.interval().cleanups()).isEqualTo(1);
  }
}
