package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.HttpReader.RawResponse;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/** Browsers on another origin, and clients that accept compressed bodies. */
class CorsAndCompressionTest {
  private static final String APP = "https://app.example";
  private static final String EVIL = "https://evil.example";

  record Item(int index, String text) {}

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.cors(Cors.allowOrigins(APP).allowCredentials(true).build())
                  .maxBodySize(1024)
                  .post("/upload", r -> "stored " + r.body().length)
                  .sse("/events", r -> Flux.just("first").concatWith(Flux.<String>never()))
                  .get("/hello", r -> "hello")
                  .get("/big", r -> items(10 * 1024))
                  .get("/small", r -> items(200)));

  private static List<Item> items(int approximateBytes) {
    List<Item> items = new ArrayList<>();
    int size = 2;
    for (int i = 0; size < approximateBytes; i++) {
      Item item = new Item(i, "item number " + i);
      items.add(item);
      size += 35;
    }
    return items;
  }

  @Test
  void aPreflightFromAnAllowedOriginGetsTheAllowHeaders() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(preflight(APP));

      RawResponse response = reader.response();

      assertThat(response.status()).isBetween(200, 204);
      assertThat(response.headers("Access-Control-Allow-Origin")).containsExactly(APP);
      assertThat(response.header("Access-Control-Allow-Credentials")).contains("true");
      assertThat(response.headerElements("Access-Control-Allow-Methods")).contains("get");
      assertThat(response.headerElements("Access-Control-Allow-Headers")).contains("last-event-id");
      assertThat(response.header("Access-Control-Max-Age")).contains("600");
      assertThat(response.headerElements("Vary")).contains("origin");
    }
  }

  @Test
  void aPreflightFromAnotherOriginGetsNoAllowOrigin() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(preflight(EVIL));

      RawResponse response = reader.response();

      assertThat(response.header("Access-Control-Allow-Origin")).isEmpty();
      assertThat(response.header("Access-Control-Allow-Credentials")).isEmpty();
    }
  }

  @Test
  void aStreamFromAnAllowedOriginCarriesTheAllowHeaders() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/events"), "Origin", APP)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().allValues("Access-Control-Allow-Origin")).containsExactly(APP);
      assertThat(sse.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
      assertThat(sse.next().dataString()).isEqualTo("first");
    }
  }

  @Test
  void aStreamFromAnotherOriginCarriesNoAllowOrigin() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/events"), "Origin", EVIL)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(sse.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }
  }

  @Test
  void aKeepAliveConnectionServesAGetAfterAPreflight() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(preflight(APP));
      RawResponse preflight = reader.response();
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\nOrigin: " + APP + "\r\n\r\n");
      RawResponse get = reader.response();

      assertThat(preflight.status()).isBetween(200, 204);
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.bodyText()).isEqualTo("hello");
      assertThat(get.headers("Access-Control-Allow-Origin")).containsExactly(APP);
    }
  }

  @Test
  void refusalsToAnAllowedOriginCarryAllowOriginSoTheBrowserCanReadThem() throws Exception {
    String body = "u".repeat(4096);
    try (RawHttp notFound = new RawHttp(server.port());
        RawHttp tooLarge = new RawHttp(server.port())) {
      notFound.send("GET /nowhere HTTP/1.1\r\nHost: x\r\nOrigin: " + APP + "\r\n\r\n");
      tooLarge.send(
          "POST /upload HTTP/1.1\r\nHost: x\r\nOrigin: "
              + APP
              + "\r\nContent-Type: text/plain\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n"
              + body);

      RawResponse response404 = new HttpReader(notFound.socket()).response();
      RawResponse response413 = new HttpReader(tooLarge.socket()).response();

      assertThat(response404.status()).isEqualTo(404);
      assertThat(response404.headers("Access-Control-Allow-Origin")).containsExactly(APP);
      assertThat(response413.status()).isEqualTo(413);
      assertThat(response413.headers("Access-Control-Allow-Origin")).containsExactly(APP);
    }
  }

  @Test
  void aLargeJsonResponseIsGzippedForAClientThatAcceptsIt() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse plain = reader.response();
      raw.send("GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
      RawResponse gzipped = reader.response();

      assertThat(plain.header("Content-Encoding")).isEmpty();
      assertThat(plain.body().length).isGreaterThanOrEqualTo(10 * 1024);
      assertThat(gzipped.status()).isEqualTo(200);
      assertThat(gzipped.header("Content-Encoding")).contains("gzip");
      assertThat(gzipped.header("Content-Type")).contains("application/json");
      assertThat(gzipped.body().length).isLessThan(plain.body().length / 2);
      assertThat(gunzip(gzipped.body())).isEqualTo(plain.bodyText());
    }
  }

  @Test
  void aSmallResponseIsNotCompressed() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /small HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");

      RawResponse response = reader.response();

      assertThat(response.header("Content-Encoding")).isEmpty();
      assertThat(response.bodyText()).startsWith("[{\"index\":0");
    }
  }

  @Test
  void aStreamIsNeverCompressedAndItsFirstEventArrivesAtOnce() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(
          "GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
              + "Accept-Encoding: gzip, deflate\r\n\r\n");

      RawResponse head = reader.head();

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Encoding")).isEmpty();
      // The publisher never completes: the event must come through without waiting for the end.
      byte[] chunk = reader.chunk();
      assertThat(chunk).isNotNull();
      assertThat(new String(chunk, StandardCharsets.UTF_8)).isEqualTo("data: first\n\n");
    }
  }

  @Test
  void aStreamThroughTheJdkClientWithGzipAcceptedArrivesAsPlainEvents() throws Exception {
    try (SseRecorder sse = SseRecorder.open(server.uri("/events"), "Accept-Encoding", "gzip")) {
      assertThat(sse.headers().firstValue("Content-Encoding")).isEmpty();
      assertThat(sse.next(Duration.ofSeconds(10)).dataString()).isEqualTo("first");
    }
  }

  private static String preflight(String origin) {
    return "OPTIONS /events HTTP/1.1\r\nHost: x\r\nOrigin: "
        + origin
        + "\r\nAccess-Control-Request-Method: GET\r\n"
        + "Access-Control-Request-Headers: last-event-id\r\n\r\n";
  }

  private static String gunzip(byte[] gzipped) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
