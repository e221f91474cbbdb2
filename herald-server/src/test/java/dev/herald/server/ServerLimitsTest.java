package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.RawHttp;
import dev.herald.sse.MessageEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** The connection limits and the write timeout, through real sockets. */
class ServerLimitsTest {
  static final Duration PROMPTLY = Duration.ofSeconds(10);
  static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);

  @TempDir Path dir;

  @Test
  void refusesConnectionsPastTheTotalWith503AndRetryAfter() throws Exception {
    try (HeraldServer server = start(b -> b.maxConnections(2))) {
      List<RawHttp> open = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          open.add(okOn(new RawHttp(server.port())));
        }
        String refused = requestAndReadToClose(server.port());
        assertThat(refused)
            .startsWith("HTTP/1.1 503")
            .containsIgnoringCase("retry-after: 1")
            .containsIgnoringCase("connection: close")
            .endsWith("too many connections, try again\n");

        open.remove(0).close();
        await()
            .atMost(PROMPTLY)
            .until(() -> requestAndReadToClose(server.port()).startsWith("HTTP/1.1 200"));
      } finally {
        for (RawHttp raw : open) {
          raw.close();
        }
      }
    }
  }

  @Test
  void refusesConnectionsPastThePerAddressLimitWith429AndRetryAfter() throws Exception {
    try (HeraldServer server = start(b -> b.maxConnectionsPerAddress(1));
        RawHttp first = okOn(new RawHttp(server.port()))) {
      String refused = requestAndReadToClose(server.port());
      assertThat(refused)
          .startsWith("HTTP/1.1 429")
          .containsIgnoringCase("retry-after: 1")
          .endsWith("too many connections from your address, try again\n");
      // the first connection is still served
      assertThat(okOn(first)).isSameAs(first);
    }
  }

  @Test
  void cutsAClientThatStopsReadingADownloadAndClosesTheSource() throws Exception {
    AtomicBoolean sourceClosed = new AtomicBoolean();
    AtomicLong produced = new AtomicLong();
    try (HeraldServer server =
        start(
            b ->
                b.writeTimeout(WRITE_TIMEOUT)
                    .get(
                        "/endless",
                        r -> StreamableFile.of(new Endless(produced, sourceClosed), 1L << 40)))) {
      try (RawHttp raw = new RawHttp(server.port())) {
        raw.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
        byte[] some = raw.socket().getInputStream().readNBytes(64 * 1024);
        assertThat(new String(some, 0, 12, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
        // stop reading: the socket buffers fill, then nothing moves
        await().atMost(PROMPTLY.multipliedBy(3)).untilTrue(sourceClosed);
        assertThat(readsToEndOrReset(raw.socket().getInputStream())).isTrue();
      }
      assertThat(produced.get()).isLessThan(1L << 30);
    }
  }

  @Test
  void cutsAClientThatStopsReadingAZeroCopyFile() throws Exception {
    Path big = dir.resolve("sparse.bin");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(2L << 30);
    }
    try (HeraldServer server =
        start(b -> b.writeTimeout(WRITE_TIMEOUT).get("/big", r -> StreamableFile.of(big)))) {
      try (RawHttp raw = new RawHttp(server.port())) {
        raw.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        raw.socket().getInputStream().readNBytes(64 * 1024);
        await()
            .atMost(PROMPTLY.multipliedBy(3))
            .until(() -> StreamableFileTest.openDescriptorsOf(big) == 0);
        assertThat(readsToEndOrReset(raw.socket().getInputStream())).isTrue();
      }
    }
  }

  @Test
  void cutsAStalledSseStreamWhosePublisherRespectsDemand() throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    String data = "x".repeat(16 * 1024);
    try (HeraldServer server =
        start(
            b ->
                b.writeTimeout(WRITE_TIMEOUT)
                    .maxBufferedBytes(64 << 20)
                    .sse(
                        "/events",
                        r ->
                            Flux.<MessageEvent>generate(s -> s.next(MessageEvent.of(data)))
                                .doOnCancel(() -> cancelled.set(true))))) {
      try (RawHttp raw = new RawHttp(server.port())) {
        raw.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
        raw.socket().getInputStream().readNBytes(64 * 1024);
        await().atMost(PROMPTLY.multipliedBy(3)).untilTrue(cancelled);
        assertThat(readsToEndOrReset(raw.socket().getInputStream())).isTrue();
      }
    }
  }

  @Test
  void keepsServingASlowClientThatKeepsReading() throws Exception {
    AtomicBoolean sourceClosed = new AtomicBoolean();
    AtomicLong produced = new AtomicLong();
    try (HeraldServer server =
        start(
            b ->
                b.writeTimeout(Duration.ofSeconds(2))
                    .get(
                        "/endless",
                        r -> StreamableFile.of(new Endless(produced, sourceClosed), 1L << 40)))) {
      try (RawHttp raw = new RawHttp(server.port())) {
        raw.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
        InputStream in = raw.socket().getInputStream();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long read = 0;
        // two and a half timeouts of reading 32 KiB every 10 ms: throttled, but never stalled.
        // (What the
        // server sees as progress is what the kernel takes from its send buffer, which wakes the
        // writer only when a third of it is free; so the client must drain that per timeout.)
        for (int i = 0; i < 1000 && System.nanoTime() < end; i++) {
          read += in.readNBytes(32 * 1024).length;
          LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertThat(read).isGreaterThan(1 << 20);
        assertThat(sourceClosed).isFalse();
      }
      await().atMost(PROMPTLY).untilTrue(sourceClosed); // the client left: closed promptly
    }
  }

  // ---- helpers ----

  private static HeraldServer start(java.util.function.Consumer<HeraldServer.Builder> configure) {
    HeraldServer.Builder builder =
        HeraldServer.builder().host("127.0.0.1").port(0).get("/ok", r -> "ok");
    configure.accept(builder);
    return builder.build().start();
  }

  /** Sends a keep-alive request on the connection and reads its 200 response. */
  private static RawHttp okOn(RawHttp raw) throws IOException {
    raw.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(raw.readUntil("\r\n\r\nok", PROMPTLY)).startsWith("HTTP/1.1 200");
    return raw;
  }

  private static String requestAndReadToClose(int port) throws IOException {
    try (RawHttp raw = new RawHttp(port)) {
      raw.send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      return raw.readUntilClose();
    }
  }

  /** Drains what the kernel still holds; true when the server closed (FIN or RST). */
  private static boolean readsToEndOrReset(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    try {
      for (int i = 0; i < 100_000; i++) {
        if (in.read(buf) == -1) {
          return true;
        }
      }
    } catch (SocketException e) {
      return true; // reset
    }
    return false;
  }

  /** An endless source of bytes that records how much it produced and whether it was closed. */
  static final class Endless extends InputStream {
    private final AtomicLong produced;
    private final AtomicBoolean closed;

    Endless(AtomicLong produced, AtomicBoolean closed) {
      this.produced = produced;
      this.closed = closed;
    }

    @Override
    public int read() {
      produced.incrementAndGet();
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 'x');
      produced.addAndGet(len);
      return len;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}
