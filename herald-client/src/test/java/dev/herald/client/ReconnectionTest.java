package dev.herald.client;

import static dev.herald.client.Scripted.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.sse.SseParseException;
import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The connection and reconnection rules (WHATWG HTML §9.2.2–§9.2.4) against a real server. */
class ReconnectionTest {
  @RegisterExtension final Scripted scripted = new Scripted();

  /**
   * A client with an empty connection pool. The JDK client retries a GET on a pooled connection
   * that turns out closed, but not a POST; with servers on port 0, a port can come back in a later
   * test while the shared client still pools a connection to the old server, and the POST would
   * then fail once (and reconnect) before the first record a test expects.
   */
  private static HttpClient freshClient() {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void sendsEventStreamHeadersAndNoLastEventIdOnTheFirstRequest(HttpClient.Version version)
      throws Exception {
    ScriptServer server = scripted.server(x -> x.stream().send("data: a\n\n").awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), version).header("X-Custom", "yes"));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("a");
    ScriptServer.Exchange x = server.exchange(0);
    assertThat(x.method).isEqualTo("GET");
    assertThat(x.header("Accept")).isEqualTo("text/event-stream");
    assertThat(x.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(x.header("X-Custom")).isEqualTo("yes");
    assertThat(x.header("Last-Event-ID")).isNull();
    assertThat(x.header("Authorization")).isNull();
  }

  @Test
  void sendsAConfiguredLastEventIdOnTheFirstRequest() throws Exception {
    ScriptServer server = scripted.server(x -> x.stream().send("data: a\n\n").awaitClosed());
    EventSource source =
        scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1).lastEventId("start-42"));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    assertThat(recorder.next(Recorder.Event.class).lastEventId()).isEqualTo("start-42");
    assertThat(server.exchange(0).header("Last-Event-ID")).isEqualTo("start-42");
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void droppedMidEventDiscardsThePartialEventAndResumesWithLastEventId(HttpClient.Version version)
      throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("id: 1\ndata: one\n\nid: 2\ndata: par").abort();
              } else {
                x.stream().send("data: two\n\n").awaitClosed();
              }
            });
    EventSource source = scripted.open(fast(server.uri("/s"), version));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    assertThat(recorder.event("one").id()).isEqualTo("1");
    Recorder.Failed failed = recorder.failed();
    assertThat(failed.error()).isInstanceOf(IOException.class);
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    recorder.opened();
    // The partial event's id 2 never committed: the next event reports 1.
    assertThat(recorder.event("two").id()).isEqualTo("1");
    assertThat(server.exchange(1).header("Last-Event-ID")).isEqualTo("1");
    recorder.assertEmpty();
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void streamEndReconnectsAndAnEmptiedIdSendsNoHeader(HttpClient.Version version) throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("id: 1\ndata: a\n\nid\ndata: b\n\n").end();
              } else {
                x.stream().send("data: c\n\n").awaitClosed();
              }
            });
    EventSource source = scripted.open(fast(server.uri("/s"), version));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("a");
    assertThat(recorder.event("b").id()).isNull();
    assertThat(recorder.failed().error()).isInstanceOf(EOFException.class);
    recorder.opened();
    recorder.event("c");
    assertThat(server.exchange(1).headers).doesNotContainKey("last-event-id");
  }

  @Test
  void resumesAfterTheServerRestarts() throws Exception {
    ScriptServer first =
        ScriptServer.start(x -> x.stream().send("id: 7\ndata: before\n\n").awaitClosed());
    int port = first.port();
    EventSource source = scripted.open(fast(first.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();
    recorder.opened();
    recorder.event("before");

    first.close();
    assertThat(recorder.failed().state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    ScriptServer second =
        scripted.server(
            x ->
                x.stream().send("data: after " + x.header("Last-Event-ID") + "\n\n").awaitClosed());
    assertThat(second.port()).isNotEqualTo(0);
    ScriptServer restarted =
        ScriptServer.start(
            x -> x.stream().send("data: after " + x.header("Last-Event-ID") + "\n\n").awaitClosed(),
            port);
    scripted.closeAfter(restarted);

    // Connection refused until the new server listens: errors, then the stream.
    Recorder.Record r;
    do {
      r = recorder.next();
    } while (r instanceof Recorder.Failed);
    assertThat(r).isInstanceOf(Recorder.Opened.class);
    assertThat(recorder.event("after 7").id()).isEqualTo("7");
  }

  @Test
  void retryFieldSetsTheReconnectionTime() throws Exception {
    ScriptServer server = scripted.server(x -> x.stream().send("retry: 600000\ndata: a\n\n").end());
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("a");
    recorder.failed();
    assertThat(source.reconnectTime()).isEqualTo(Duration.ofMillis(600_000));
    // Ten minutes to wait: no second request comes soon.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> server.exchanges().size() == 1);
    assertThat(source.readyState()).isEqualTo(EventSource.ReadyState.CONNECTING);
  }

  @Test
  void retryFieldOfZeroStillReconnects() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index < 3) {
                x.stream().send("retry: 0\ndata: " + x.index + "\n\n").end();
              } else {
                x.respond(204).end();
              }
            });
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    for (int i = 0; i < 3; i++) {
      recorder.opened();
      recorder.event(Integer.toString(i));
      recorder.failed();
    }
    assertThat(recorder.closed().state()).isEqualTo(EventSource.ReadyState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void status204StopsReconnecting(HttpClient.Version version) throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("data: a\n\n").end();
              } else {
                x.respond(204).end();
              }
            });
    EventSource source = scripted.open(fast(server.uri("/s"), version));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("a");
    recorder.failed();
    assertThat(recorder.closed().state()).isEqualTo(EventSource.ReadyState.CLOSED);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> server.exchanges().size() == 2);
    recorder.assertEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void followsRedirectsAndStartsFromTheOriginalUriOnReconnect(int status) throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.path.equals("/old")) {
                x.reply(status, "", "location", "/new");
              } else if (x.index < 2) {
                x.stream()
                    .send("id: " + x.index + "\ndata: " + x.method + " " + x.body + "\n\n")
                    .end();
              } else {
                x.stream().awaitClosed();
              }
            });
    EventSource source =
        scripted.open(
            fast(server.uri("/old"), HttpClient.Version.HTTP_1_1)
                .httpClient(freshClient())
                .method("POST", HttpRequest.BodyPublishers.ofString("q=1")));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    boolean keepsMethod = status == 307 || status == 308;
    recorder.event(keepsMethod ? "POST q=1" : "GET ");
    recorder.failed();
    recorder.opened();
    assertThat(server.exchanges())
        .extracting(x -> x.path)
        .startsWith("/old", "/new", "/old", "/new");
    assertThat(server.exchange(3).header("Last-Event-ID")).isEqualTo("1");
  }

  @Test
  void redirectWithoutLocationFails() throws Exception {
    ScriptServer server = scripted.server(x -> x.reply(302, ""));
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    Recorder.Failed failed = recorder.failed();
    assertThat(failed.error())
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("without a Location");
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CLOSED);
    recorder.closed();
  }

  @Test
  void redirectLoopFailsAfterTwentyRedirects() throws Exception {
    ScriptServer server = scripted.server(x -> x.reply(307, "", "location", "/again"));
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    assertThat(recorder.failed().error()).hasMessageContaining("more than 20 redirects");
    recorder.closed();
    assertThat(server.exchanges()).hasSize(21);
  }

  @Test
  void status503WithRetryAfterIsRetriedAfterTheDelayEvenWithTheStopStrategy() throws Exception {
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    ScriptServer server =
        scripted.server(
            x -> {
              arrivals.add(System.nanoTime());
              if (x.index == 0) {
                x.reply(503, "busy", "retry-after", "1");
              } else {
                x.stream().send("data: ok\n\n").awaitClosed();
              }
            });
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), HttpClient.Version.HTTP_1_1)
                .errorStrategy(ErrorStrategy.stop()));
    Recorder recorder = Recorder.on(source);
    source.start();

    Recorder.Failed failed = recorder.failed();
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    assertThat(((UnexpectedResponseException) failed.error()).status()).isEqualTo(503);
    recorder.opened();
    recorder.event("ok");
    assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void status503WithoutRetryAfterFailsWithTheStopStrategy() throws Exception {
    ScriptServer server = scripted.server(x -> x.reply(503, "busy"));
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    Recorder.Failed failed = recorder.failed();
    assertThat(failed.error()).hasMessage("unexpected status 503 (expected: 200)");
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CLOSED);
    recorder.closed();
  }

  /**
   * Takes records up to the next open. A short read timeout also bounds the wait for the response
   * head, which a cold JVM can miss on its first connection: such failures are skipped.
   */
  private static void awaitOpened(Recorder recorder) throws InterruptedException {
    Recorder.Record r;
    do {
      r = recorder.next();
    } while (r instanceof Recorder.Failed
        && ((Recorder.Failed) r).error() instanceof HttpTimeoutException);
    assertThat(r).isInstanceOf(Recorder.Opened.class);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void readTimeoutReconnects(HttpClient.Version version) throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              x.stream().send("id: " + x.index + "\ndata: " + x.index + "\n\n");
              x.awaitClosed();
            });
    EventSource source =
        scripted.open(fast(server.uri("/s"), version).readTimeout(Duration.ofMillis(500)));
    Recorder recorder = Recorder.on(source);
    source.start();

    awaitOpened(recorder);
    String first = recorder.event().dataString();
    Recorder.Failed failed = recorder.failed();
    assertThat(failed.error())
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessage("no data for 500 ms (read timeout)");
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    awaitOpened(recorder);
    int second = Integer.parseInt(recorder.event().dataString());
    assertThat(server.exchange(second).header("Last-Event-ID")).isEqualTo(first);
    // The timed-out stream was cancelled: its connection or HTTP/2 stream is closed.
    server.exchange(Integer.parseInt(first)).awaitClosed();
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void heartbeatsKeepTheReadTimeoutFromFiring(HttpClient.Version version) throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              x.stream();
              for (int i = 0; i < 8; i++) {
                x.send(":\n");
                Thread.sleep(100); // the server's heartbeat interval, not synchronisation
              }
              x.send("data: done\n\n").awaitClosed();
            });
    EventSource source =
        scripted.open(fast(server.uri("/s"), version).readTimeout(Duration.ofMillis(500)));
    Recorder recorder = Recorder.on(source);
    source.start();

    awaitOpened(recorder);
    recorder.event("done");
    recorder.assertEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "text/event-streams", "application/json"})
  void wrongContentTypeFails(String contentType) throws Exception {
    ScriptServer server =
        scripted.server(
            x -> x.respond(200, "content-type", contentType).send("data: x\n\n").awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    Recorder.Failed failed = recorder.failed();
    UnexpectedResponseException e = (UnexpectedResponseException) failed.error();
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.contentType()).isEqualTo(contentType);
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CLOSED);
    recorder.closed();
    // The body was never read: the connection is closed at once.
    server.exchange(0).awaitClosed();
  }

  @Test
  void missingContentTypeFails() throws Exception {
    ScriptServer server = scripted.server(x -> x.respond(200).send("data: x\n\n").awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    assertThat(recorder.failed().error()).hasMessageContaining("Content-Type (none)");
    recorder.closed();
  }

  @Test
  void contentTypeParametersAndCaseAreAccepted() throws Exception {
    ScriptServer server =
        scripted.server(
            x ->
                x.respond(200, "content-type", "Text/Event-Stream; charset=utf-8;")
                    .send("data: x\n\n")
                    .awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("x");
  }

  @Test
  void otherStatusesFailWithTheDefaultStrategy() throws Exception {
    ScriptServer server = scripted.server(x -> x.reply(404, "no such stream"));
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    Recorder.Failed failed = recorder.failed();
    assertThat(((UnexpectedResponseException) failed.error()).status()).isEqualTo(404);
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CLOSED);
    recorder.closed();
    assertThat(server.exchanges()).hasSize(1);
  }

  @Test
  void retryUpToGivesUpAfterTheLastRetry() throws Exception {
    ScriptServer server = scripted.server(x -> x.reply(500, "oops"));
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), HttpClient.Version.HTTP_1_1)
                .errorStrategy(ErrorStrategy.retryUpTo(2)));
    Recorder recorder = Recorder.on(source);
    source.start();

    assertThat(recorder.failed().state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    assertThat(recorder.failed().state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    assertThat(recorder.failed().state()).isEqualTo(EventSource.ReadyState.CLOSED);
    recorder.closed();
    assertThat(server.exchanges()).hasSize(3);
  }

  @Test
  void alwaysRetryKeepsReconnectingUntilTheServerRecovers() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index < 4) {
                x.reply(502, "bad gateway");
              } else {
                x.stream().send("data: back\n\n").awaitClosed();
              }
            });
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), HttpClient.Version.HTTP_1_1)
                .errorStrategy(ErrorStrategy.alwaysRetry()));
    Recorder recorder = Recorder.on(source);
    source.start();

    for (int i = 0; i < 4; i++) {
      assertThat(recorder.failed().state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    }
    recorder.opened();
    recorder.event("back");
  }

  @Test
  void retryForGivesUpOnceTheDurationHasPassed() throws Exception {
    ScriptServer server = scripted.server(x -> x.reply(500, "oops"));
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), HttpClient.Version.HTTP_1_1)
                .errorStrategy(ErrorStrategy.retryFor(Duration.ofMillis(300))));
    Recorder recorder = Recorder.on(source);
    source.start();

    Recorder.Record r;
    do {
      r = recorder.next();
    } while (r instanceof Recorder.Failed
        && ((Recorder.Failed) r).state() == EventSource.ReadyState.CONNECTING);
    assertThat(r).isInstanceOf(Recorder.Failed.class);
    recorder.closed();
    assertThat(server.exchanges().size()).isGreaterThan(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void tokenSupplierIsCalledForEachConnection(HttpClient.Version version) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("data: a\n\n").end();
              } else {
                x.stream().send("data: b\n\n").awaitClosed();
              }
            });
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), version).token(() -> "token-" + calls.incrementAndGet()));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("a");
    recorder.failed();
    recorder.opened();
    recorder.event("b");
    assertThat(server.exchange(0).header("Authorization")).isEqualTo("Bearer token-1");
    assertThat(server.exchange(1).header("Authorization")).isEqualTo("Bearer token-2");
    assertThat(calls).hasValue(2);
  }

  @Test
  void tokenSupplierFailureIsJudgedByTheErrorStrategy() throws Exception {
    ScriptServer server = scripted.server(x -> x.stream().awaitClosed());
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), HttpClient.Version.HTTP_1_1)
                .token(
                    () -> {
                      throw new IllegalStateException("vault down");
                    }));
    Recorder recorder = Recorder.on(source);
    source.start();

    assertThat(recorder.failed().error()).hasMessage("vault down");
    recorder.closed();
    assertThat(server.exchanges()).isEmpty();
  }

  @Test
  void authorizationIsNotSentToAnotherOrigin() throws Exception {
    ScriptServer target = scripted.server(x -> x.stream().send("data: there\n\n").awaitClosed());
    ScriptServer origin =
        scripted.server(
            x ->
                x.reply(
                    307,
                    "",
                    "location",
                    target.uri("/s").toString().replace("127.0.0.1", "localhost")));
    EventSource source =
        scripted.open(
            fast(origin.uri("/s"), HttpClient.Version.HTTP_1_1)
                .token(() -> "secret")
                .header("X-Kept", "1"));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("there");
    assertThat(origin.exchange(0).header("Authorization")).isEqualTo("Bearer secret");
    assertThat(target.exchange(0).header("Authorization")).isNull();
    assertThat(target.exchange(0).header("X-Kept")).isEqualTo("1");
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void eventLargerThanTheLimitFailsWithAClearError(HttpClient.Version version) throws Exception {
    ScriptServer server =
        scripted.server(
            x -> x.stream().send("data: small\n\ndata: " + "x".repeat(200) + "\n\n").awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), version).maxEventSize(100));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("small");
    Recorder.Failed failed = recorder.failed();
    assertThat(failed.error())
        .isInstanceOf(SseParseException.class)
        .hasMessageStartingWith("event exceeds maxEventSize: 100 bytes");
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CLOSED);
    recorder.closed();
    server.exchange(0).awaitClosed();
  }

  @Test
  void eventLargerThanTheLimitReconnectsWhenTheStrategySaysSo() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream()
                    .send("id: 1\ndata: ok\n\ndata: " + "x".repeat(200) + "\n\n")
                    .awaitClosed();
              } else {
                x.stream()
                    .send("data: resumed after " + x.header("Last-Event-ID") + "\n\n")
                    .awaitClosed();
              }
            });
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), HttpClient.Version.HTTP_1_1)
                .maxEventSize(100)
                .errorStrategy(ErrorStrategy.retryUpTo(1)));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("ok");
    assertThat(recorder.failed().state()).isEqualTo(EventSource.ReadyState.CONNECTING);
    recorder.opened();
    recorder.event("resumed after 1");
  }

  @Test
  void postWithABodyIsSentOnEveryConnection() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("data: 1\n\n").end();
              } else {
                x.stream().send("data: 2\n\n").awaitClosed();
              }
            });
    EventSource source =
        scripted.open(
            fast(server.uri("/s"), HttpClient.Version.HTTP_1_1)
                .httpClient(freshClient())
                .method("POST", HttpRequest.BodyPublishers.ofString("{\"q\":1}"))
                .header("Content-Type", "application/json"));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("1");
    recorder.failed();
    recorder.opened();
    recorder.event("2");
    for (ScriptServer.Exchange x : server.exchanges()) {
      assertThat(x.method).isEqualTo("POST");
      assertThat(x.body).isEqualTo("{\"q\":1}");
      assertThat(x.header("Content-Type")).isEqualTo("application/json");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
  void closeCancelsTheBodyAndReleasesTheConnection(HttpClient.Version version) throws Exception {
    ScriptServer server = scripted.server(x -> x.stream().send("data: a\n\n").awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), version));
    Recorder recorder = Recorder.on(source);
    source.start();
    recorder.opened();
    recorder.event("a");

    source.close();

    assertThat(source.readyState()).isEqualTo(EventSource.ReadyState.CLOSED);
    assertThat(recorder.closed().state()).isEqualTo(EventSource.ReadyState.CLOSED);
    server.exchange(0).awaitClosed();
    recorder.assertEmpty();
  }

  @Test
  void closeWhileWaitingForTheResponseStopsEverything() throws Exception {
    CompletableFuture<Void> arrived = new CompletableFuture<>();
    ScriptServer server =
        scripted.server(
            x -> {
              arrived.complete(null);
              x.awaitClosed();
            });
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();
    arrived.get(10, TimeUnit.SECONDS);

    source.close();

    recorder.closed();
    server.exchange(0).awaitClosed();
    recorder.assertEmpty();
  }

  @Test
  void closeFromAListenerStopsTheStream() throws Exception {
    ScriptServer server =
        scripted.server(x -> x.stream().send("data: 1\n\ndata: 2\n\ndata: 3\n\n").awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.onMessage(e -> source.close());
    source.start();

    recorder.opened();
    recorder.event("1");
    recorder.closed();
    recorder.assertEmpty();
  }

  @Test
  void listenersRunSeriallyOnTheSourceThreadAndByType() throws Exception {
    ScriptServer server =
        scripted.server(
            x ->
                x.stream()
                    .send("event: add\ndata: 1\n\ndata: 2\n\nevent: add\ndata: 3\n\n")
                    .awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    List<String> adds = new CopyOnWriteArrayList<>();
    List<String> messages = new CopyOnWriteArrayList<>();
    source
        .on("add", e -> adds.add(e.dataString()))
        .on("message", e -> messages.add(e.dataString()));
    Recorder recorder = Recorder.on(source);
    source.start();

    Recorder.Opened opened = recorder.opened();
    List<String> threads = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      threads.add(recorder.next(Recorder.Event.class).thread());
    }
    assertThat(threads).containsOnly(opened.thread());
    assertThat(opened.thread()).startsWith("herald-eventsource-");
    assertThat(adds).containsExactly("1", "3");
    assertThat(messages).containsExactly("2");
  }

  @Test
  void aThrowingListenerReportsToErrorListenersAndTheStreamGoesOn() throws Exception {
    ScriptServer server =
        scripted.server(x -> x.stream().send("data: 1\n\ndata: 2\n\n").awaitClosed());
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    source.onMessage(
        e -> {
          if (e.dataString().equals("1")) {
            throw new IllegalStateException("listener bug");
          }
        });
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    // The throwing listener was added first: its error comes before the recorder sees event 1.
    assertThat(recorder.failed().error()).hasMessage("listener bug");
    assertThat(source.readyState()).isEqualTo(EventSource.ReadyState.OPEN);
    recorder.event("1");
    recorder.event("2");
  }

  @Test
  void nonAsciiLastEventIdOverHttp1FailsInsteadOfSendingQuestionMarks() throws Exception {
    ScriptServer server =
        scripted.server(
            x -> {
              if (x.index == 0) {
                x.stream().send("id: caf\u00e9\ndata: a\n\n").end();
              } else {
                x.stream().awaitClosed();
              }
            });
    EventSource source = scripted.open(fast(server.uri("/s"), HttpClient.Version.HTTP_1_1));
    Recorder recorder = Recorder.on(source);
    source.start();

    recorder.opened();
    recorder.event("a");
    assertThat(recorder.failed().error()).isInstanceOf(EOFException.class);
    Recorder.Failed failed = recorder.failed();
    assertThat(failed.error()).hasMessageContaining("non-ASCII");
    assertThat(failed.state()).isEqualTo(EventSource.ReadyState.CLOSED);
    recorder.closed();
  }
}
