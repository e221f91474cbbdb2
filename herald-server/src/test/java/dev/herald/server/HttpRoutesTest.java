package dev.herald.server;

import static dev.herald.server.BadInputTest.assertNoJavaDetails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.HttpReader.RawResponse;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Single-response routes as a client sees them over a real socket. */
class HttpRoutesTest {
  record Job(String name, int size) {}

  record Created(String id, Job job) {}

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final AtomicReference<CompletableFuture<Object>> slow = new AtomicReference<>();
  private final AtomicReference<Sinks.Many<String>> finite = new AtomicReference<>();

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.get("/hello", r -> "hello")
                  .post("/hello", r -> "posted " + r.bodyText())
                  .put("/hello", r -> "put " + r.bodyText())
                  .delete("/hello", r -> "deleted")
                  // Registered before the literal route on purpose: the literal must still win.
                  .get("/jobs/:id", r -> "job " + r.pathParam("id"))
                  .get("/jobs/latest", r -> "the latest job")
                  .sse("/jobs/:id/events", r -> Flux.just("events of " + r.pathParam("id")))
                  .post(
                      "/jobs",
                      r -> {
                        Job job = r.bodyJson(Job.class);
                        return Response.builder(201)
                            .header("Location", "/jobs/" + job.name())
                            .header("X-Job-Size", String.valueOf(job.size()))
                            .json(new Created(job.name() + "-1", job))
                            .build();
                      })
                  .get("/query", r -> r.queryParams())
                  .get(
                      "/headers",
                      r ->
                          Map.of(
                              "tenant", String.valueOf(r.header("x-tenant")),
                              "all", r.headers("X-Multi")))
                  .get(
                      "/cookies",
                      r -> r.cookie("session") + "," + r.cookie("theme") + "," + r.cookie("none"))
                  .get("/json", r -> new Job("build", 3))
                  .get("/nothing", r -> null)
                  .get(
                      "/csv",
                      r ->
                          Response.builder(200)
                              .header("Content-Type", "text/csv")
                              .body("a,b\n1,2\n")
                              .build())
                  .get("/bytes", r -> new byte[] {0, 1, 2, (byte) 255})
                  .get("/n/:n", r -> "n=" + r.pathParam("n"))
                  .get("/async", r -> CompletableFuture.supplyAsync(() -> "later"))
                  .get("/async-json", r -> CompletableFuture.supplyAsync(() -> new Job("async", 9)))
                  .get(
                      "/boom",
                      r -> {
                        throw new IllegalStateException("db password=hunter2");
                      })
                  .get(
                      "/async-boom",
                      r ->
                          CompletableFuture.supplyAsync(
                              () -> {
                                throw new IllegalStateException("db password=hunter2");
                              }))
                  .get(
                      "/slow",
                      r -> {
                        CompletableFuture<Object> f = new CompletableFuture<>();
                        slow.set(f);
                        return f;
                      })
                  .sse(
                      "/finite",
                      r -> {
                        Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
                        finite.set(sink);
                        return sink.asFlux();
                      }));

  @Test
  void getPostPutAndDeleteReachTheirHandlers() throws Exception {
    assertThat(send("GET", "/hello", null).body()).isEqualTo("hello");
    assertThat(send("POST", "/hello", "a").body()).isEqualTo("posted a");
    assertThat(send("PUT", "/hello", "b").body()).isEqualTo("put b");
    HttpResponse<String> deleted = send("DELETE", "/hello", null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).isEqualTo("deleted");
    assertThat(deleted.headers().firstValue("Content-Type")).contains(Response.TEXT_PLAIN);
  }

  @Test
  void pathParametersAreUrlDecoded() throws Exception {
    assertThat(send("GET", "/jobs/a%20b", null).body()).isEqualTo("job a b");
    assertThat(send("GET", "/jobs/a%2Fb", null).body()).isEqualTo("job a/b");
    assertThat(send("GET", "/jobs/caf%C3%A9", null).body()).isEqualTo("job café");
    assertThat(send("GET", "/jobs/1+1", null).body()).isEqualTo("job 1+1");
    try (SseRecorder events = SseRecorder.open(server.uri("/jobs/x%20y%2Fz/events"))) {
      assertThat(events.next().dataString()).isEqualTo("events of x y/z");
    }
  }

  @Test
  void aMoreLiteralRouteWinsOverAParameterRoute() throws Exception {
    assertThat(send("GET", "/jobs/latest", null).body()).isEqualTo("the latest job");
    assertThat(send("GET", "/jobs/latest/", null).body()).isEqualTo("the latest job");
    assertThat(send("GET", "/jobs/latests", null).body()).isEqualTo("job latests");
    assertThat(send("GET", "/jobs/7", null).body()).isEqualTo("job 7");
  }

  @Test
  void repeatedQueryParametersKeepEveryValueInOrder() throws Exception {
    HttpResponse<String> response = send("GET", "/query?tag=b&tag=a&tag=c&x=1%2B1&y=a+b&e=", null);

    Map<?, ?> params = JsonMapper.builder().build().readValue(response.body(), Map.class);
    assertThat(params.get("tag")).isEqualTo(List.of("b", "a", "c"));
    assertThat(params.get("x")).isEqualTo(List.of("1+1"));
    assertThat(params.get("y")).isEqualTo(List.of("a b"));
    assertThat(params.get("e")).isEqualTo(List.of(""));
  }

  @Test
  void headersAreCaseInsensitiveAndRepeatable() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(server.uri("/headers"))
            .header("X-Tenant", "acme")
            .header("X-Multi", "one")
            .header("X-Multi", "two")
            .build();

    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());

    Map<?, ?> seen = JsonMapper.builder().build().readValue(response.body(), Map.class);
    assertThat(seen.get("tenant")).isEqualTo("acme");
    assertThat(seen.get("all")).isEqualTo(List.of("one", "two"));
  }

  @Test
  void cookiesAreReadByName() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(server.uri("/cookies"))
            .header("Cookie", "session=abc123; theme=dark")
            .build();

    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.body()).isEqualTo("abc123,dark,null");
  }

  @Test
  void aJsonBodyIsReadIntoARecordAndABuiltResponseKeepsItsStatusAndHeaders() throws Exception {
    HttpResponse<String> response =
        send(
            "POST", "/jobs", "{\"name\":\"build\",\"size\":3}", "Content-Type", "application/json");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).contains("/jobs/build");
    assertThat(response.headers().firstValue("X-Job-Size")).contains("3");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body())
        .isEqualTo("{\"id\":\"build-1\",\"job\":{\"name\":\"build\",\"size\":3}}");
  }

  @ParameterizedTest(name = "[{index}] body <{0}>")
  @ValueSource(
      strings = {
        "{\"name\":",
        "not json",
        "[1,2]",
        "{\"name\":\"x\",\"size\":\"big\"}",
        "{\"name\":\"x\",\"size\":1,\"unknown\":true}",
        ""
      })
  void aBadJsonBodyIsAnswered400WithAShortMessageNamingNoJavaType(String body) throws Exception {
    HttpResponse<String> response = send("POST", "/jobs", body, "Content-Type", "application/json");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains(Response.TEXT_PLAIN);
    assertThat(response.body()).isNotBlank().hasSizeLessThan(300);
    assertNoJavaDetails(response.body());
    assertThat(response.body()).doesNotContain("Job", "class ", "StreamReadFeature");
  }

  @Test
  void anObjectIsAnsweredAsJson() throws Exception {
    HttpResponse<String> response = send("GET", "/json", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).isEqualTo("{\"name\":\"build\",\"size\":3}");
  }

  @Test
  void nullIsAnswered204WithoutContentLengthOrBody() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");

      RawResponse nothing = reader.response();
      // A stray body byte after the 204 would corrupt the next status line.
      RawResponse next = reader.response();

      assertThat(nothing.status()).isEqualTo(204);
      assertThat(nothing.header("Content-Length")).isEmpty();
      assertThat(nothing.header("Transfer-Encoding")).isEmpty();
      assertThat(next.bodyText()).isEqualTo("hello");
    }
  }

  @Test
  void aCompletionStageIsAwaitedForTheResponse() throws Exception {
    assertThat(send("GET", "/async", null).body()).isEqualTo("later");
    HttpResponse<String> json = send("GET", "/async-json", null);
    assertThat(json.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(json.body()).isEqualTo("{\"name\":\"async\",\"size\":9}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/boom", "/async-boom"})
  void aHandlerThatThrowsIsAnswered500WithoutDetail(String path) throws Exception {
    HttpResponse<String> response = send("GET", path, null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type")).contains(Response.TEXT_PLAIN);
    assertThat(response.body()).isEqualTo("internal server error\n");
    assertThat(send("GET", "/hello", null).body()).isEqualTo("hello");
  }

  @Test
  void twoRequestsOnOneConnectionAreBothAnswered() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse first = reader.response();
      raw.send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
      RawResponse second = reader.response();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("Connection")).isEmpty();
      assertThat(first.bodyText()).isEqualTo("hello");
      assertThat(second.bodyText()).isEqualTo("posted abc");
      assertThat(server.server().connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInTheOrderSent() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(
          "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
              + "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz");
      await().atMost(SseRecorder.TIMEOUT).until(() -> slow.get() != null);
      slow.get().complete("slow one");

      assertThat(reader.response().bodyText()).isEqualTo("slow one");
      assertThat(reader.response().bodyText()).isEqualTo("hello");
      assertThat(reader.response().bodyText()).isEqualTo("posted z");
    }
  }

  @Test
  void manyPipelinedRequestsAreAllAnsweredInOrder() throws Exception {
    int count = 40;
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < count; i++) {
      requests.append("GET /n/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(requests.toString());

      for (int i = 0; i < count; i++) {
        assertThat(reader.response().bodyText()).isEqualTo("n=" + i);
      }
    }
  }

  @Test
  void aBodySentAfter100ContinueIsRead() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(
          "POST /hello HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
      RawResponse interim = reader.response();
      raw.send("body");
      RawResponse response = reader.response();

      assertThat(interim.status()).isEqualTo(100);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("posted body");
    }
  }

  @Test
  void aContentTypeSetOnAResponseReplacesTheDefault() throws Exception {
    HttpResponse<String> response = send("GET", "/csv", null);

    assertThat(response.headers().allValues("Content-Type")).containsExactly("text/csv");
    assertThat(response.body()).isEqualTo("a,b\n1,2\n");
  }

  @Test
  void bytesAreAnsweredAsAnOctetStream() throws Exception {
    HttpResponse<byte[]> response =
        CLIENT.send(
            HttpRequest.newBuilder(server.uri("/bytes")).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(response.body()).containsExactly(0, 1, 2, 255);
  }

  @Test
  void aRequestSentWhileAFiniteStreamIsOpenIsAnsweredAfterTheStreamEnds() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /finite HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse head = reader.head();
      assertThat(head.status()).isEqualTo(200);
      await().atMost(SseRecorder.TIMEOUT).until(() -> finite.get() != null);
      finite.get().tryEmitNext("one");
      assertThat(new String(reader.chunk(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("data: one\n\n");

      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      // One more event through the same event loop: by the time it is back, the request was read.
      finite.get().tryEmitNext("two");
      assertThat(new String(reader.chunk(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("data: two\n\n");
      finite.get().tryEmitComplete();

      assertThat(reader.chunk()).as("the stream's last chunk").isNull();
      RawResponse next = reader.response();
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.bodyText()).isEqualTo("hello");
    }
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
