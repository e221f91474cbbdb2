package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.H2Client;
import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.Protocol;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.TestTls;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP/2 and TLS details: prior knowledge, idle connections, compression, turning HTTP/2 off. */
class Http2DetailsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String BIG = "herald ".repeat(2000);

  @RegisterExtension
  final ServerExtension plain =
      new ServerExtension(b -> routes(b.idleTimeout(Duration.ofMillis(700))));

  @RegisterExtension
  final ServerExtension tls =
      new ServerExtension(
          b -> routes(b.tls(TestTls.TLS).cors(Cors.allowOrigins("https://app.example").build())));

  @RegisterExtension
  final ServerExtension http1Only =
      new ServerExtension(b -> routes(b.tls(TestTls.TLS).http2(false)));

  @RegisterExtension
  final ServerExtension cleartextHttp1Only = new ServerExtension(b -> routes(b.http2(false)));

  private static void routes(HeraldServer.Builder b) {
    b.get("/hello", r -> "hello").get("/big", r -> BIG);
  }

  @Test
  void priorKnowledgeRequestsGetStatusesAndBodiesWithoutHopByHopHeaders() throws Exception {
    try (H2Client client = H2Client.connect(plain.port())) {
      H2Client.Stream hello = client.get("/hello", true);
      H2Client.Stream missing = client.get("/missing", true);
      hello.ended().get(30, TimeUnit.SECONDS);
      missing.ended().get(30, TimeUnit.SECONDS);
      assertThat(hello.head(TIMEOUT).status().toString()).isEqualTo("200");
      assertThat(hello.body()).isEqualTo("hello");
      assertThat(missing.head(TIMEOUT).status().toString()).isEqualTo("404");
      assertThat(missing.body()).isEqualTo("not found: /missing\n");
      for (H2Client.Stream stream : new H2Client.Stream[] {hello, missing}) {
        assertThat(stream.head(TIMEOUT).names())
            .extracting(CharSequence::toString)
            .doesNotContain("connection", "keep-alive", "transfer-encoding");
      }
      assertThat(plain.server().connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void anIdleHttp2ConnectionIsClosedWithGoAway() throws Exception {
    try (H2Client client = H2Client.connect(plain.port())) {
      H2Client.Stream hello = client.get("/hello", true);
      hello.ended().get(30, TimeUnit.SECONDS);
      assertThat(client.goAway().get(30, TimeUnit.SECONDS)).as("NO_ERROR").isZero();
      await().atMost(TIMEOUT).until(() -> plain.server().connectionCount() == 0);
    }
  }

  @Test
  void largeResponsesAreCompressedOverHttp2() throws Exception {
    HttpResponse<byte[]> response =
        Protocol.H2
            .client()
            .send(
                HttpRequest.newBuilder(Protocol.H2.uri(tls.port(), "/big"))
                    .header("Accept-Encoding", "gzip")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(response.headers().map()).doesNotContainKey("transfer-encoding");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(BIG);
    }
  }

  @Test
  void corsRunsPerStream() throws Exception {
    HttpResponse<String> allowed =
        Protocol.H2
            .client()
            .send(
                HttpRequest.newBuilder(Protocol.H2.uri(tls.port(), "/hello"))
                    .header("Origin", "https://app.example")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(allowed.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example");
    HttpResponse<String> preflight =
        Protocol.H2
            .client()
            .send(
                HttpRequest.newBuilder(Protocol.H2.uri(tls.port(), "/hello"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "GET")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().allValues("access-control-allow-methods")).isNotEmpty();
    HttpResponse<String> other =
        Protocol.H2
            .client()
            .send(
                HttpRequest.newBuilder(Protocol.H2.uri(tls.port(), "/hello"))
                    .header("Origin", "https://evil.example")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void anUpgradeAskedOnlyAfterTheFirstRequestIsAnsweredOverHttp11() throws Exception {
    // The upgrade handler leaves the pipeline after the first plain request (a connection holding
    // a stream should not carry it); a later upgrade is declined, which the server may do.
    try (RawHttp raw = new RawHttp(plain.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(reader.response().bodyText()).isEqualTo("hello");

      raw.send(
          "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
      HttpReader.RawResponse second = reader.response();

      assertThat(second.status()).isEqualTo(200);
      assertThat(second.bodyText()).isEqualTo("hello");
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(reader.response().bodyText()).isEqualTo("hello");
    }
  }

  @Test
  void theFirstRequestCanStillUpgradeToH2c() throws Exception {
    try (RawHttp raw = new RawHttp(plain.port())) {
      raw.send(
          "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");

      String head = raw.readUntil("\r\n\r\n", TIMEOUT);

      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("upgrade: h2c");
    }
  }

  @Test
  void withHttp2OffClientsThatAskForItGetHttp11() throws Exception {
    HttpResponse<String> overTls =
        Protocol.H2
            .newClient()
            .send(
                HttpRequest.newBuilder(Protocol.H2.uri(http1Only.port(), "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(overTls.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(overTls.body()).isEqualTo("hello");
    HttpResponse<String> cleartext =
        Protocol.H2C
            .newClient()
            .send(
                HttpRequest.newBuilder(Protocol.H2C.uri(cleartextHttp1Only.port(), "/hello"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(cleartext.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(cleartext.body()).isEqualTo("hello");
  }

  @Test
  void plainHttpToTheTlsPortIsClosed() throws Exception {
    try (RawHttp raw = new RawHttp(tls.port())) {
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.readUntilClose()).doesNotContain("hello");
    }
    await().atMost(TIMEOUT).until(() -> tls.server().connectionCount() == 0);
  }
}
