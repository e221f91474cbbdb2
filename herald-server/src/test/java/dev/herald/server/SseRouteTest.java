package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import io.reactivex.rxjava3.core.Flowable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

class SseRouteTest {
  record Progress(String taskId, int percent) {}

  private final AtomicInteger finalized = new AtomicInteger();
  private final AtomicReference<String> seenLastEventId = new AtomicReference<>();

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.retry(Duration.ofMillis(2500))
                  .sse(
                      "/flux",
                      r ->
                          Flux.just(
                              MessageEvent.builder().id("1").type("greeting").data("hello").build(),
                              MessageEvent.of("two\nlines")))
                  .sse("/json", r -> Flux.just(new Progress("t1", 50)))
                  .sse("/rx", r -> Flowable.range(1, 3).map(i -> "n" + i))
                  .sse(
                      "/flow",
                      r -> {
                        SubmissionPublisher<String> p = new SubmissionPublisher<>();
                        CompletableFuture.runAsync(
                            () -> {
                              await().until(() -> p.getNumberOfSubscribers() > 0);
                              p.submit("a");
                              p.submit("b");
                              p.close();
                            });
                        return p;
                      })
                  .sse(
                      "/forever",
                      r ->
                          Flux.interval(Duration.ofMillis(20))
                              .doFinally(s -> finalized.incrementAndGet()))
                  .sse(
                      "/guarded",
                      r -> Flux.just("secret"),
                      r -> {
                        throw HttpStatusException.unauthorized("missing bearer token");
                      })
                  .sse(
                      "/missing/:id",
                      r -> {
                        throw HttpStatusException.notFound("no job " + r.pathParam("id"));
                      })
                  .sse("/early-error", r -> Flux.error(HttpStatusException.forbidden("not yours")))
                  .sse(
                      "/async-refusal",
                      r ->
                          CompletableFuture.supplyAsync(
                              () -> {
                                throw HttpStatusException.notFound("no such stream");
                              }))
                  .sse(
                      "/late-error",
                      r ->
                          Flux.just("first")
                              .concatWith(
                                  Flux.error(new IllegalStateException("db password=hunter2"))))
                  .sse(
                      "/resume",
                      r -> {
                        seenLastEventId.set(r.lastEventId());
                        return Flux.just("ok");
                      }));

  @Test
  void fluxEventsArriveWithTheStreamHeaders() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/flux"))) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().firstValue("Content-Type"))
          .contains("text/event-stream; charset=utf-8");
      assertThat(sse.headers().firstValue("Cache-Control")).contains("no-cache, no-transform");
      assertThat(sse.headers().firstValue("X-Accel-Buffering")).contains("no");
      assertThat(sse.headers().firstValue("Content-Length")).isEmpty();
      MessageEvent first = sse.next();
      assertThat(first.type()).isEqualTo("greeting");
      assertThat(first.id()).isEqualTo("1");
      assertThat(first.dataString()).isEqualTo("hello");
      assertThat(sse.next().dataString()).isEqualTo("two\nlines");
      sse.awaitEnd();
      sse.assertNoMoreEvents();
    }
  }

  @Test
  void objectDataIsWrittenAsJson() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/json"))) {
      assertThat(sse.next().dataString()).isEqualTo("{\"taskId\":\"t1\",\"percent\":50}");
    }
  }

  @Test
  void rxJavaFlowableAndJdkFlowPublishersStream() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/rx"))) {
      assertThat(List.of(sse.next().dataString(), sse.next().dataString(), sse.next().dataString()))
          .containsExactly("n1", "n2", "n3");
      sse.awaitEnd();
    }
    try (SseRecorder sse = SseRecorder.open(server.uri("/flow"))) {
      assertThat(sse.next().dataString()).isEqualTo("a");
      assertThat(sse.next().dataString()).isEqualTo("b");
      sse.awaitEnd();
    }
  }

  @Test
  void closingTheClientCancelsThePublisherOnce() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/forever"))) {
      sse.next();
      sse.next();
    }
    await().atMost(SseRecorder.TIMEOUT).until(() -> finalized.get() == 1);
    await().atMost(SseRecorder.TIMEOUT).until(() -> server.server().streamCount() == 0);
    assertThat(finalized).hasValue(1);
  }

  @Test
  void refusalsBeforeTheStreamOpensAreRealStatuses() throws Exception {
    Map<String, Map.Entry<Integer, String>> cases =
        Map.of(
            "/guarded", Map.entry(401, "missing bearer token"),
            "/missing/42", Map.entry(404, "no job 42"),
            "/early-error", Map.entry(403, "not yours"),
            "/async-refusal", Map.entry(404, "no such stream"),
            "/nowhere", Map.entry(404, "not found: /nowhere"));
    for (var c : cases.entrySet()) {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(server.uri(c.getKey())).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(c.getKey()).isEqualTo(c.getValue().getKey());
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("text/plain; charset=utf-8");
      assertThat(response.body()).isEqualTo(c.getValue().getValue() + "\n");
    }
  }

  @Test
  void anErrorAfterTheFirstEventBecomesAnErrorFrameWithoutDetails() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/late-error"))) {
      assertThat(sse.next().dataString()).isEqualTo("first");
      MessageEvent error = sse.next();
      assertThat(error.type()).isEqualTo("error");
      assertThat(error.dataString()).isEqualTo("internal error").doesNotContain("hunter2");
      sse.awaitEnd();
    }
  }

  @Test
  void retryIsSentFirstAndLastEventIdReachesTheHandler() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/resume"), "Last-Event-ID", "41")) {
      assertThat(sse.next().dataString()).isEqualTo("ok");
      assertThat(seenLastEventId).hasValue("41");
    }
    try (SseRecorder sse = SseRecorder.open(server.uri("/resume?lastEventId=7"))) {
      sse.next();
      assertThat(seenLastEventId).hasValue("7");
    }
  }
}
