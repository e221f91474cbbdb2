package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.HttpReader.RawResponse;
import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/** Downloads from streams, publishers and files, as clients see them, including failures. */
class StreamableFileTest {
  static final Duration PROMPTLY = Duration.ofSeconds(5);
  static final byte[] CSV = csv(20_000);
  static final int BIG_BODY = 64 << 20;

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @TempDir static Path dir;
  static Path big;

  private final AtomicReference<TrackedStream> lastStream = new AtomicReference<>();
  private final AtomicBoolean fluxCancelled = new AtomicBoolean();
  private final AtomicInteger fluxCleanups = new AtomicInteger();

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.get(
                      "/stream/known",
                      r ->
                          StreamableFile.of(track(new ByteArrayInputStream(CSV)), CSV.length)
                              .contentType("text/csv; charset=utf-8")
                              .attachment("export.csv"))
                  .get(
                      "/stream/unknown",
                      r -> StreamableFile.of(track(new ByteArrayInputStream(CSV))))
                  .get(
                      "/stream/named",
                      r ->
                          StreamableFile.of(new ByteArrayInputStream(CSV))
                              .attachment("résumé 2024 \"final\".csv")
                              .cacheControl("no-store")
                              .header("X-Export", "42"))
                  .post(
                      "/stream/posted",
                      r -> StreamableFile.of(track(new ByteArrayInputStream(CSV))))
                  .get(
                      "/stream/empty",
                      r -> StreamableFile.of(new ByteArrayInputStream(new byte[0])))
                  .get(
                      "/stream/failing-early",
                      r -> StreamableFile.of(track(new FailingStream(0)), 1000))
                  .get(
                      "/stream/failing-late/known",
                      r -> StreamableFile.of(track(new FailingStream(200_000)), 1_000_000))
                  .get(
                      "/stream/failing-late/chunked",
                      r -> StreamableFile.of(track(new FailingStream(200_000))))
                  .get(
                      "/stream/short",
                      r -> StreamableFile.of(track(new ByteArrayInputStream(CSV)), CSV.length + 10))
                  .get(
                      "/stream/empty-but-declared",
                      r -> StreamableFile.of(track(new ByteArrayInputStream(new byte[0])), 10))
                  .get("/stream/endless", r -> StreamableFile.of(track(new EndlessStream())))
                  .get("/flux", r -> StreamableFile.of(lines(1000)))
                  .get("/flux/known", r -> StreamableFile.of(lines(1000), linesLength(1000)))
                  .get("/flux/lying", r -> StreamableFile.of(lines(1000), linesLength(1000) - 1))
                  .get(
                      "/flow",
                      r -> StreamableFile.of(JdkFlowAdapter.publisherToFlowPublisher(lines(1000))))
                  .get(
                      "/flux/refused",
                      r ->
                          StreamableFile.of(
                              Flux.<ByteBuffer>error(
                                  HttpStatusException.forbidden("no export for you"))))
                  .get(
                      "/flux/failing-early",
                      r ->
                          StreamableFile.of(
                              Flux.<ByteBuffer>error(new IllegalStateException("hunter2"))))
                  .get(
                      "/flux/failing-late",
                      r ->
                          StreamableFile.of(
                              lines(5000)
                                  .concatWith(Flux.error(new IllegalStateException("hunter2")))))
                  .get(
                      "/flux/endless",
                      r ->
                          StreamableFile.of(
                              Flux.<ByteBuffer>generate(
                                      sink -> sink.next(ByteBuffer.wrap(new byte[8192])))
                                  .doOnCancel(() -> fluxCancelled.set(true))
                                  .doFinally(signal -> fluxCleanups.incrementAndGet())))
                  .get("/file/big", r -> StreamableFile.of(big))
                  .get(
                      "/stream/big",
                      r -> StreamableFile.of(new ByteArrayInputStream(new byte[BIG_BODY])))
                  .get(
                      "/stream/big/known",
                      r ->
                          StreamableFile.of(new ByteArrayInputStream(new byte[BIG_BODY]), BIG_BODY))
                  .get(
                      "/flux/big/known",
                      r ->
                          StreamableFile.of(
                              Flux.range(0, BIG_BODY / 4096)
                                  .map(i -> ByteBuffer.wrap(new byte[4096])),
                              BIG_BODY))
                  .get(
                      "/flux/big",
                      r ->
                          StreamableFile.of(
                              Flux.range(0, BIG_BODY / 4096)
                                  .map(i -> ByteBuffer.wrap(new byte[4096]))))
                  .get(
                      "/file/written",
                      r ->
                          StreamableFile.of(
                              Files.write(dir.resolve("eight.bin"), new byte[BIG_BODY])))
                  .get("/file/missing", r -> StreamableFile.of(dir.resolve("missing.csv")))
                  .get("/file/directory", r -> StreamableFile.of(dir)));

  @BeforeAll
  static void createSparseFile() throws IOException {
    big = dir.resolve("big.bin");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(1L << 30);
    }
  }

  // ---- sources ----

  @Test
  void sendsAStreamOfKnownLengthWithItsHeaders() throws Exception {
    HttpResponse<byte[]> response = get("/stream/known");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(CSV);
    assertThat(response.headers().firstValue("Content-Length"))
        .contains(String.valueOf(CSV.length));
    assertThat(response.headers().firstValue("Transfer-Encoding")).isEmpty();
    assertThat(response.headers().firstValue("Content-Type")).contains("text/csv; charset=utf-8");
    assertThat(response.headers().firstValue("Content-Disposition"))
        .contains("attachment; filename=\"export.csv\"");
    assertThat(response.headers().firstValue("Cache-Control")).contains("private");
    assertThat(response.headers().firstValue("Accept-Ranges")).contains("none");
    assertThat(response.headers().firstValue("ETag")).isEmpty();
    await().atMost(PROMPTLY).untilTrue(lastStream.get().closed);
  }

  @Test
  void sendsAStreamOfUnknownLengthChunked() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /stream/unknown HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse response = reader.response();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Transfer-Encoding")).contains("chunked");
      assertThat(response.header("Content-Length")).isEmpty();
      assertThat(response.header("Content-Type")).contains(StreamableFile.DEFAULT_CONTENT_TYPE);
      assertThat(response.body()).isEqualTo(CSV);
    }
    await().atMost(PROMPTLY).untilTrue(lastStream.get().closed);
  }

  @Test
  void anHttp10ClientGetsAStreamOfUnknownLengthEndedByTheConnection() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      raw.send("GET /stream/unknown HTTP/1.0\r\n\r\n");
      String response = raw.readUntilClose();

      assertThat(response).startsWith("HTTP/1.0 200").doesNotContainIgnoringCase("chunked");
      assertThat(response).containsIgnoringCase("connection: close");
      assertThat(response).endsWith(new String(CSV, StandardCharsets.UTF_8));
    }
  }

  @Test
  void namesTheFileForEveryBrowserAndAddsTheHeadersAsked() throws Exception {
    HttpResponse<byte[]> response = get("/stream/named");

    assertThat(response.headers().firstValue("Content-Disposition"))
        .contains(
            "attachment; filename=\"r_sum_ 2024 _final_.csv\";"
                + " filename*=UTF-8''r%C3%A9sum%C3%A9%202024%20%22final%22.csv");
    assertThat(response.headers().firstValue("Content-Type")).contains("text/csv");
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(response.headers().firstValue("X-Export")).contains("42");
    assertThat(response.body()).isEqualTo(CSV);
  }

  @Test
  void sendsAnEmptyStream() throws Exception {
    HttpResponse<byte[]> response = get("/stream/empty");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void answersHeadWithTheHeadersAndClosesTheStreamUnread() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("HEAD /stream/known HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse head = reader.response(true);
      raw.send("GET /stream/known HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse get = reader.response();

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).contains(String.valueOf(CSV.length));
      assertThat(head.header("Content-Disposition")).isPresent();
      assertThat(get.body()).isEqualTo(CSV); // nothing of a body came after the HEAD response
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/flux", "/flow", "/flux/known"})
  void sendsWhatAPublisherEmits(String path) throws Exception {
    HttpResponse<byte[]> response = get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(String.join("", lineStrings(1000)));
    assertThat(response.headers().firstValue("Content-Length"))
        .isEqualTo(
            path.endsWith("known")
                ? java.util.Optional.of(String.valueOf(linesLength(1000)))
                : java.util.Optional.empty());
  }

  @Test
  void aDownloadIsNeverCompressed() throws Exception {
    HttpResponse<byte[]> response =
        CLIENT.send(
            HttpRequest.newBuilder(server.uri("/flux")).header("Accept-Encoding", "gzip").build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(response.body()).hasSize((int) linesLength(1000));
  }

  @Test
  void servesDownloadsOneAfterTheOtherOnAKeepAliveConnection() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      for (String path : List.of("/stream/known", "/flux", "/stream/unknown", "/flux/known")) {
        raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse response = reader.response();
        assertThat(response.status()).as(path).isEqualTo(200);
        assertThat(response.header("Connection")).isEmpty();
      }
      raw.send("POST /stream/posted HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
      assertThat(reader.response().body()).isEqualTo(CSV);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/stream/big",
        "/stream/big/known",
        "/flux/big",
        "/flux/big/known",
        "/file/written"
      })
  void aSlowClientGetsTheWholeDownloadWithoutAStall(String path) throws Exception {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 * 1024); // so that the server's buffers fill up soon
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[16 * 1024];
      long total = 0;
      int n;
      int reads = 0;
      while ((n = in.read(buf)) != -1) {
        total += n;
        if (++reads % 8 == 0) {
          Thread.sleep(1); // lets the server's socket buffer fill, so the channel turns unwritable
        }
      }
      assertThat(total).isGreaterThan(BIG_BODY); // the body and its head
    }
  }

  // ---- failures before the first byte: a real status ----

  @Test
  void aMissingFileIsNotFound() throws Exception {
    HttpResponse<byte[]> missing = get("/file/missing");
    HttpResponse<byte[]> directory = get("/file/directory");

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(directory.statusCode()).isEqualTo(404);
    assertThat(new String(missing.body(), StandardCharsets.UTF_8))
        .isEqualTo("not found: /file/missing\n");
  }

  @Test
  void aStreamThatFailsBeforeItsFirstByteIsAServerErrorAndIsClosed() throws Exception {
    HttpResponse<byte[]> response = get("/stream/failing-early");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("internal server error\n");
    await().atMost(PROMPTLY).untilTrue(lastStream.get().closed);
  }

  @Test
  void aStreamEmptyAgainstItsDeclaredLengthIsAServerError() throws Exception {
    assertThat(get("/stream/empty-but-declared").statusCode()).isEqualTo(500);
  }

  @Test
  void aPublisherThatFailsBeforeItsFirstBufferGetsItsStatus() throws Exception {
    HttpResponse<byte[]> refused = get("/flux/refused");
    HttpResponse<byte[]> failed = get("/flux/failing-early");

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo("no export for you\n");
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(new String(failed.body(), StandardCharsets.UTF_8)).doesNotContain("hunter2");
  }

  // ---- failures after the first byte: the client sees a failed download ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/stream/failing-late/known",
        "/stream/failing-late/chunked",
        "/stream/short",
        "/flux/failing-late",
        "/flux/lying"
      })
  void aFailureAfterTheFirstByteFailsTheDownloadForTheClient(String path) throws Exception {
    assertThatThrownBy(() -> get(path)).isInstanceOf(IOException.class);
  }

  @Test
  void aStreamFailingMidwayWithAKnownLengthEndsShortOfContentLength() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /stream/failing-late/known HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse head = reader.head();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).contains("1000000");

      long started = System.nanoTime();
      String body = reader.until("never in the body", Duration.ofSeconds(10));
      assertThat(reader.closedByPeer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(body.length()).isGreaterThan(0).isLessThan(1_000_000);
    }
    await().atMost(PROMPTLY).untilTrue(lastStream.get().closed);
  }

  @Test
  void aStreamFailingMidwayWhenChunkedNeverSendsTheLastChunk() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      HttpReader reader = new HttpReader(raw.socket());
      raw.send("GET /stream/failing-late/chunked HTTP/1.1\r\nHost: x\r\n\r\n");
      RawResponse head = reader.head();
      assertThat(head.header("Transfer-Encoding")).contains("chunked");

      assertThatThrownBy(reader::chunkedBody).isInstanceOf(IOException.class);
    }
    await().atMost(PROMPTLY).untilTrue(lastStream.get().closed);
  }

  // ---- the client goes away ----

  @Test
  void whenTheClientGoesAwayTheStreamIsClosedPromptly() throws Exception {
    readABitAndLeave("/stream/endless");

    await().atMost(PROMPTLY).untilTrue(lastStream.get().closed);
    assertThat(lastStream.get().readThreads)
        .isNotEmpty()
        .noneMatch(name -> name.startsWith("herald-io"));
  }

  @Test
  void whenTheClientGoesAwayThePublisherIsCancelledOnce() throws Exception {
    readABitAndLeave("/flux/endless");

    await().atMost(PROMPTLY).untilTrue(fluxCancelled);
    await().during(Duration.ofMillis(200)).until(() -> fluxCleanups.get() == 1);
  }

  @Test
  void whenTheClientGoesAwayTheFileIsClosedPromptly() throws Exception {
    assertThat(openDescriptorsOf(big)).isZero();
    try (RawHttp raw = new RawHttp(server.port())) {
      raw.send("GET /file/big HTTP/1.1\r\nHost: x\r\n\r\n");
      InputStream in = raw.socket().getInputStream();
      in.readNBytes(1 << 20);
      assertThat(openDescriptorsOf(big)).isEqualTo(1);
    }

    await().atMost(PROMPTLY).until(() -> openDescriptorsOf(big) == 0);
  }

  // ---- helpers ----

  private void readABitAndLeave(String path) throws IOException {
    try (RawHttp raw = new RawHttp(server.port())) {
      raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      byte[] some = raw.socket().getInputStream().readNBytes(256 * 1024);
      assertThat(new String(some, 0, 12, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
    }
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Returns how many descriptors of this process are open on the file (Linux). */
  static long openDescriptorsOf(Path file) throws IOException {
    Path real = file.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                  return false; // closed meanwhile
                }
              })
          .count();
    }
  }

  private InputStream track(InputStream in) {
    TrackedStream tracked = new TrackedStream(in);
    lastStream.set(tracked);
    return tracked;
  }

  static Flux<ByteBuffer> lines(int count) {
    return Flux.fromIterable(lineStrings(count))
        .map(line -> ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
  }

  static List<String> lineStrings(int count) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add("row " + i + ",value " + (i * 7) + "\n");
    }
    return lines;
  }

  static long linesLength(int count) {
    return lineStrings(count).stream().mapToLong(String::length).sum();
  }

  static byte[] csv(int rows) {
    StringBuilder csv = new StringBuilder("id,name\n");
    for (int i = 0; i < rows; i++) {
      csv.append(i).append(",name ").append(i).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Records where it is read and whether it was closed. */
  static final class TrackedStream extends InputStream {
    final AtomicBoolean closed = new AtomicBoolean();
    final Set<String> readThreads = ConcurrentHashMap.newKeySet();
    private final InputStream in;

    TrackedStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      readThreads.add(Thread.currentThread().getName());
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      readThreads.add(Thread.currentThread().getName());
      return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      closed.set(true);
      in.close();
    }
  }

  /** Yields zeros and then fails, after {@code failAfter} bytes. */
  static final class FailingStream extends InputStream {
    private final long failAfter;
    private long read;

    FailingStream(long failAfter) {
      this.failAfter = failAfter;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (read >= failAfter) {
        throw new IOException("disk on fire (hunter2)");
      }
      int n = (int) Math.min(len, failAfter - read);
      java.util.Arrays.fill(b, off, off + n, (byte) 'x');
      read += n;
      return n;
    }
  }

  /** Yields zeros forever. */
  static final class EndlessStream extends InputStream {
    @Override
    public int read() {
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 0);
      return len;
    }
  }
}
