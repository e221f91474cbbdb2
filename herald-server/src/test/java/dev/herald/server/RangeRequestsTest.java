package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.HttpReader.RawResponse;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conditional and range requests for a file (RFC 9110 §13, §14), one row per case, each over a real
 * socket, always with {@code Accept-Encoding: gzip} to show that downloads are never compressed.
 */
class RangeRequestsTest {
  static final int SIZE = 10_000;
  static final Instant MODIFIED = Instant.parse("2024-01-02T03:04:05Z");
  static final byte[] CONTENT = content(SIZE);

  @TempDir static Path dir;
  static Path file;
  static Path empty;

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.get("/file", r -> StreamableFile.of(file).attachment())
                  .get("/empty", r -> StreamableFile.of(empty)));

  @BeforeAll
  static void writeFiles() throws IOException {
    file = Files.write(dir.resolve("data.bin"), CONTENT);
    Files.setLastModifiedTime(file, FileTime.from(MODIFIED));
    empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
  }

  static byte[] content(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }

  /**
   * One request and what must come back. Header values may hold {@code {etag}} (the file's entity
   * tag), {@code {date}} (its Last-Modified), {@code {earlier}} and {@code {later}} (an hour either
   * side). {@code first..last} is the expected body of a 200 or 206, or -1 for none.
   */
  record Case(
      String name,
      String method,
      List<String> headers,
      int status,
      String contentRange,
      long first,
      long last) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case whole(String name, String... headers) {
    return new Case(name, "GET", List.of(headers), 200, null, 0, SIZE - 1);
  }

  static Case partial(String name, String range, long first, long last, String... headers) {
    List<String> all = new java.util.ArrayList<>(List.of("Range", range));
    all.addAll(List.of(headers));
    return new Case(name, "GET", all, 206, "bytes " + first + "-" + last + "/" + SIZE, first, last);
  }

  static Case status(String name, int status, String... headers) {
    return new Case(
        name, "GET", List.of(headers), status, status == 416 ? "bytes */" + SIZE : null, -1, -1);
  }

  static Stream<Case> cases() {
    return Stream.of(
        whole("no Range: the whole file"),
        partial("a first range", "bytes=0-499", 0, 499),
        partial("a middle range", "bytes=500-999", 500, 999),
        partial("a suffix range", "bytes=-500", 9500, 9999),
        partial("an open range", "bytes=9500-", 9500, 9999),
        partial("the first byte", "bytes=0-0", 0, 0),
        partial("the last byte", "bytes=9999-", 9999, 9999),
        partial("a suffix longer than the file", "bytes=-20000", 0, 9999),
        partial("a last position past the end", "bytes=9000-20000", 9000, 9999),
        partial("the unit in upper case", "BYTES=10-19", 10, 19),
        partial("one satisfiable among several", "bytes=0-1, 20000-", 0, 1),
        status("a first position at the end", 416, "Range", "bytes=10000-"),
        status("a range past the end", 416, "Range", "bytes=20000-30000"),
        status("an empty suffix", 416, "Range", "bytes=-0"),
        status("nothing satisfiable among several", 416, "Range", "bytes=20000-,-0"),
        whole("several ranges: the whole file", "Range", "bytes=0-1,5-9"),
        whole("overlapping ranges: the whole file", "Range", "bytes=0-100,50-150"),
        whole("malformed: not digits", "Range", "bytes=abc"),
        whole("malformed: last before first", "Range", "bytes=5-3"),
        whole("malformed: another unit", "Range", "items=0-5"),
        whole("malformed: no equals sign", "Range", "bytes 0-5"),
        whole("malformed: two dashes", "Range", "bytes=--5"),
        whole("malformed: no range at all", "Range", "bytes="),
        whole("malformed: negative first", "Range", "bytes=-5-10"),
        partial("If-Range with the current ETag", "bytes=0-9", 0, 9, "If-Range", "{etag}"),
        whole("If-Range with another ETag", "Range", "bytes=0-9", "If-Range", "\"other\""),
        whole("If-Range with a weak ETag", "Range", "bytes=0-9", "If-Range", "W/{etag}"),
        partial("If-Range with the Last-Modified date", "bytes=0-9", 0, 9, "If-Range", "{date}"),
        whole("If-Range with an earlier date", "Range", "bytes=0-9", "If-Range", "{earlier}"),
        whole("If-Range that is neither", "Range", "bytes=0-9", "If-Range", "yesterday"),
        whole("If-Range alone", "If-Range", "\"other\""),
        status("If-None-Match with the ETag", 304, "If-None-Match", "{etag}"),
        status("If-None-Match with the weak ETag", 304, "If-None-Match", "W/{etag}"),
        status("If-None-Match with a list", 304, "If-None-Match", "\"a\", {etag}, \"b\""),
        status("If-None-Match with a star", 304, "If-None-Match", "*"),
        whole("If-None-Match with another ETag", "If-None-Match", "\"other\""),
        status("If-Modified-Since the date", 304, "If-Modified-Since", "{date}"),
        status("If-Modified-Since a later date", 304, "If-Modified-Since", "{later}"),
        whole("If-Modified-Since an earlier date", "If-Modified-Since", "{earlier}"),
        whole("If-Modified-Since not a date", "If-Modified-Since", "soon"),
        whole(
            "If-None-Match wins over If-Modified-Since",
            "If-None-Match",
            "\"other\"",
            "If-Modified-Since",
            "{date}"),
        status("a 304 wins over a Range", 304, "If-None-Match", "{etag}", "Range", "bytes=0-9"),
        whole("If-Match with the ETag", "If-Match", "{etag}"),
        status("If-Match with another ETag", 412, "If-Match", "\"other\""),
        status("If-Match with the weak ETag", 412, "If-Match", "W/{etag}"),
        whole("If-Unmodified-Since a later date", "If-Unmodified-Since", "{later}"),
        status("If-Unmodified-Since an earlier date", 412, "If-Unmodified-Since", "{earlier}"),
        new Case("HEAD", "HEAD", List.of(), 200, null, -1, -1),
        new Case("HEAD ignores Range", "HEAD", List.of("Range", "bytes=0-9"), 200, null, -1, -1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersEachConditionalAndRangeRequestByRfc9110(Case c) throws Exception {
    String etag = etagOf(server, "/file");
    StringBuilder request =
        new StringBuilder(c.method() + " /file HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n");
    for (int i = 0; i < c.headers().size(); i += 2) {
      request
          .append(c.headers().get(i))
          .append(": ")
          .append(expand(c.headers().get(i + 1), etag))
          .append("\r\n");
    }
    request.append("\r\n");

    RawResponse response;
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send(request.toString());
      response = reader.response(c.method().equals("HEAD"));
    }

    assertThat(response.status()).as(response.text()).isEqualTo(c.status());
    assertThat(response.header("Content-Encoding")).isEmpty();
    assertThat(response.header("Content-Range"))
        .isEqualTo(java.util.Optional.ofNullable(c.contentRange()));
    if (c.status() == 200 || c.status() == 206 || c.status() == 304) {
      assertThat(response.header("ETag")).contains(etag);
      assertThat(response.header("Cache-Control")).contains("private, no-cache");
    }
    if (c.status() == 200 || c.status() == 206) {
      assertThat(response.header("Accept-Ranges")).contains("bytes");
      assertThat(response.header("Last-Modified")).contains(httpDate(MODIFIED));
      assertThat(response.header("Content-Disposition"))
          .contains("attachment; filename=\"data.bin\"");
    }
    if (c.method().equals("HEAD")) {
      assertThat(response.header("Content-Length")).contains(String.valueOf(SIZE));
      assertThat(response.body()).isEmpty();
    } else if (c.first() >= 0) {
      long length = c.last() - c.first() + 1;
      assertThat(response.header("Content-Length")).contains(String.valueOf(length));
      assertThat(response.body())
          .isEqualTo(Arrays.copyOfRange(CONTENT, (int) c.first(), (int) c.last() + 1));
    } else if (c.status() == 304) {
      assertThat(response.header("Content-Length")).isEmpty();
      assertThat(response.body()).isEmpty();
    } else {
      assertThat(response.header("Content-Type")).contains(Response.TEXT_PLAIN);
    }
  }

  @Test
  void anEmptyFileHasNoSatisfiableRangeButAnswersASuffixWhole() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /empty HTTP/1.1\r\nHost: x\r\nRange: bytes=0-0\r\n\r\n");
      RawResponse first = reader.response();
      raw.send("GET /empty HTTP/1.1\r\nHost: x\r\nRange: bytes=-5\r\n\r\n");
      RawResponse suffix = reader.response();
      raw.send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse whole = reader.response();

      assertThat(first.status()).isEqualTo(416);
      assertThat(first.header("Content-Range")).contains("bytes */0");
      assertThat(suffix.status()).isEqualTo(200);
      assertThat(suffix.header("Content-Length")).contains("0");
      assertThat(whole.status()).isEqualTo(200);
      assertThat(whole.body()).isEmpty();
    }
  }

  @Test
  void servesSeveralRangesOneAfterTheOtherOnOneConnection() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      for (int first = 0; first < SIZE; first += 1000) {
        raw.send(
            "GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes="
                + first
                + "-"
                + (first + 999)
                + "\r\n\r\n");
        RawResponse response = reader.response();
        assertThat(response.status()).isEqualTo(206);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(CONTENT, first, first + 1000));
      }
    }
  }

  @Test
  void curlResumesAnInterruptedDownload() throws Exception {
    assumeTrue(curlInstalled(), "curl is not installed: skipping the resume check");
    Path out = dir.resolve("resumed.bin");
    Files.write(out, Arrays.copyOf(CONTENT, 4321)); // what an interrupted download left

    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-f",
                "-C",
                "-",
                "-o",
                out.toString(),
                server.uri("/file").toString())
            .redirectErrorStream(true)
            .start();
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(curl.getInputStream().readAllBytes());

    assertThat(curl.exitValue()).as(output).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(CONTENT);
  }

  private static boolean curlInstalled() {
    try {
      Process which = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
      which.getInputStream().readAllBytes();
      return which.waitFor(10, TimeUnit.SECONDS) && which.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String etagOf(ServerExtension server, String path) throws IOException {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      return reader.response(true).header("ETag").orElseThrow();
    }
  }

  private static String expand(String value, String etag) {
    return value
        .replace("{etag}", etag)
        .replace("{date}", httpDate(MODIFIED))
        .replace("{earlier}", httpDate(MODIFIED.minus(Duration.ofHours(1))))
        .replace("{later}", httpDate(MODIFIED.plus(Duration.ofHours(1))));
  }

  static String httpDate(Instant instant) {
    return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
        .format(instant.atOffset(ZoneOffset.UTC));
  }
}
