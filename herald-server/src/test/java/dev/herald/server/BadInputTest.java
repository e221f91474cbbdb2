package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.HttpReader.RawResponse;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/**
 * What a client that sends garbage gets: a short 4xx text answer, never a stack trace, and no harm
 * to anyone else. Every test keeps an SSE stream open on another connection and checks, at the end,
 * that it still receives events and that a new client is still served.
 */
class BadInputTest {
  private static final int MAX_REQUEST_LINE = 1024;
  private static final int MAX_HEADER_SIZE = 2048;
  private static final int MAX_BODY_SIZE = 1024;

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.maxRequestLine(MAX_REQUEST_LINE)
                  .maxHeaderSize(MAX_HEADER_SIZE)
                  .maxBodySize(MAX_BODY_SIZE)
                  // interval fails with an overflow when demand comes back later than a tick,
                  // which a busy machine allows; the bystander only counts what arrives
                  .sse(
                      "/ticks",
                      r ->
                          Flux.interval(Duration.ofMillis(50))
                              .onBackpressureDrop()
                              .map(i -> "tick " + i))
                  .get("/hello", r -> "hello")
                  .post("/echo", r -> r.bodyText())
                  .get("/search", r -> String.join(",", r.queryAll("q")))
                  .get("/jobs/:id", r -> "job " + r.pathParam("id")));

  private SseRecorder bystander;

  @BeforeEach
  void openABystanderStream() throws Exception {
    bystander = SseRecorder.open(server.uri("/ticks"));
    assertThat(bystander.status()).isEqualTo(200);
    bystander.next();
  }

  @AfterEach
  void closeTheBystander() {
    bystander.close();
  }

  static Stream<Arguments> malformedRequests() {
    return Stream.of(
        Arguments.of("a request line of one word", "GARBAGE\r\n\r\n"),
        Arguments.of("an unknown protocol version", "GET /hello HTTP/4.2x\r\nHost: x\r\n\r\n"),
        Arguments.of(
            "a request line of four words", "GET /hello HTTP/1.1 extra\r\nHost: x\r\n\r\n"),
        Arguments.of("binary noise", "\u00ff\u00fe\u0080 \u0081\u0082 \u00ff\r\n\r\n"),
        Arguments.of(
            "a header name with a space", "GET /hello HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n"),
        Arguments.of(
            "a Content-Length that is not a number",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nhello"),
        Arguments.of(
            "two different Content-Lengths",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n"
                + "hello12"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRequests")
  void aMalformedRequestIsAnsweredWith400AndAShortTextBody(String what, String request)
      throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(request);

      RawResponse response = reader.response();

      assertThat(response.status()).as(what).isEqualTo(400);
      assertShortTextAnswer(response);
      assertThat(reader.closedByPeer())
          .as("the connection closes after a malformed request")
          .isTrue();
    }
    assertOthersAreStillServed();
  }

  @Test
  void aRequestLineLongerThanTheLimitIsAnsweredWith414() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(
          "GET /search?q=" + "a".repeat(MAX_REQUEST_LINE * 2) + " HTTP/1.1\r\nHost: x\r\n\r\n");

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(414);
      assertShortTextAnswer(response);
    }
    assertOthersAreStillServed();
  }

  @Test
  void aRequestLineJustUnderTheLimitIsServed() throws Exception {
    String prefix = "GET /search?q=";
    String suffix = " HTTP/1.1";
    String q = "a".repeat(MAX_REQUEST_LINE - prefix.length() - suffix.length() - 8);
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(prefix + q + suffix + "\r\nHost: x\r\n\r\n");

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo(q);
    }
  }

  @Test
  void headersLargerThanTheLimitAreAnsweredWith431() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      StringBuilder request = new StringBuilder("GET /hello HTTP/1.1\r\nHost: x\r\n");
      for (int i = 0; i < 8; i++) {
        request.append("X-Filler-").append(i).append(": ").append("b".repeat(500)).append("\r\n");
      }
      raw.send(request.append("\r\n").toString());

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(431);
      assertShortTextAnswer(response);
    }
    assertOthersAreStillServed();
  }

  @ParameterizedTest(name = "framed by {0}")
  @ValueSource(strings = {"Content-Length", "chunks"})
  void aBodyLargerThanTheLimitIsAnsweredWith413AndAText(String framing) throws Exception {
    String body = "x".repeat(MAX_BODY_SIZE * 4);
    String request =
        framing.equals("chunks")
            ? "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunked(body, 512)
            : "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body;
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(request);

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(413);
      assertShortTextAnswer(response);
      assertThat(response.bodyText()).contains("too large");
    }
    assertOthersAreStillServed();
  }

  @Test
  void aTooLargeBodyAnnouncedWithExpectContinueIsRefusedWith413BeforeItIsSent() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
              + MAX_BODY_SIZE * 4
              + "\r\n\r\n");

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(413);
      assertShortTextAnswer(response);
    }
    assertOthersAreStillServed();
  }

  @ParameterizedTest(name = "framed by {0}")
  @ValueSource(strings = {"Content-Length", "chunks"})
  void aBodyAtTheLimitIsAccepted(String framing) throws Exception {
    String body = "y".repeat(MAX_BODY_SIZE);
    String request =
        framing.equals("chunks")
            ? "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunked(body, 300)
            : "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body;
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(request);

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo(body);
    }
  }

  @Test
  void anUnknownRouteIsAnsweredWith404() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(404);
      assertShortTextAnswer(response);
      assertThat(response.header("Allow")).isEmpty();
    }
    assertOthersAreStillServed();
  }

  @Test
  void aWrongMethodIsAnsweredWith405AndAnAllowHeader() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
      RawResponse onGetRoute = reader.response();
      raw.send("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse onPostRoute = reader.response();

      assertThat(onGetRoute.status()).isEqualTo(405);
      assertShortTextAnswer(onGetRoute);
      assertThat(onGetRoute.headerElements("Allow")).containsExactlyInAnyOrder("get", "head");
      assertThat(onPostRoute.status()).isEqualTo(405);
      assertThat(onPostRoute.headerElements("Allow")).containsExactly("post");
    }
    assertOthersAreStillServed();
  }

  @Test
  void headOnAGetRouteSendsTheHeadersWithContentLengthAndNoBody() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse head = reader.response(true);
      // If HEAD had sent a body, its bytes would come before the next status line.
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse get = reader.response();

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).contains("5");
      assertThat(head.header("Content-Type")).contains("text/plain; charset=utf-8");
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.bodyText()).isEqualTo("hello");
    }
  }

  @Test
  void headOnAnSseRouteIsAnsweredWith405AllowingGet() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("HEAD /ticks HTTP/1.1\r\nHost: x\r\n\r\n");

      RawResponse response = reader.response(true);

      assertThat(response.status()).isEqualTo(405);
      assertThat(response.headerElements("Allow")).contains("get");
    }
    assertOthersAreStillServed();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"/search?q=%zz", "/search?q=abc%", "/search?q=%4", "/jobs/a%zzb", "/jobs/%"})
  void aMalformedPercentEncodingIsAnsweredWith400(String target) throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");

      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(400);
      assertShortTextAnswer(response);
    }
    assertOthersAreStillServed();
  }

  @Test
  void aClientThatSendsHalfARequestAndLeavesHarmsNoOne() throws Exception {
    for (String half :
        new String[] {
          "GET /hel",
          "GET /hello HTTP/1.1\r\nHost: x\r\n",
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part"
        }) {
      try (RawHttp raw = new RawHttp(server.port())) {
        raw.send(half);
        raw.reset();
      }
      try (RawHttp raw = new RawHttp(server.port())) {
        raw.send(half);
      }
    }
    assertOthersAreStillServed();
  }

  // ---- helpers ----

  private static String chunked(String body, int chunkSize) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < body.length(); i += chunkSize) {
      String part = body.substring(i, Math.min(body.length(), i + chunkSize));
      out.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
    }
    return out.append("0\r\n\r\n").toString();
  }

  /** A refusal: text/plain, short, and nothing a client should not see. */
  private static void assertShortTextAnswer(RawResponse response) {
    assertThat(response.header("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(response.header("Content-Length")).contains(String.valueOf(response.body().length));
    assertThat(response.bodyText()).isNotBlank().hasSizeLessThan(200);
    assertNoJavaDetails(response.text());
  }

  static void assertNoJavaDetails(String text) {
    assertThat(text)
        .doesNotContain("Exception", "Error:", "\tat ", "java.", "io.netty", "dev.herald", "$");
  }

  /** The bystander stream still flows and a new client is still answered. */
  private void assertOthersAreStillServed() throws Exception {
    int before = bystander.eventsReceived();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> bystander.eventsReceived() >= before + 3 || bystander.isEnded());
    assertThat(bystander.isEnded()).as("the bystander's stream ended").isFalse();
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse response = reader.response();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("hello");
    } catch (IOException e) {
      throw new AssertionError("a new client was not served", e);
    }
  }
}
