package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving a download takes memory that does not depend on its size: a client reads multi-GiB bodies
 * and discards them while the heap is measured (after {@code System.gc()}) every 256 MiB.
 */
class DownloadMemoryTest {
  static final long TWO_GIB = 2L << 30;
  static final long STREAM_SIZE = 512L << 20;
  static final long HEAP_BOUND = 64L << 20;
  static final long SAMPLE_EVERY = 256L << 20;

  @TempDir static Path dir;
  static Path sparse;

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.get("/sparse", r -> StreamableFile.of(sparse))
                  .get("/zeros", r -> StreamableFile.of(new ZeroStream(STREAM_SIZE), STREAM_SIZE))
                  .get("/zeros/chunked", r -> StreamableFile.of(new ZeroStream(STREAM_SIZE))));

  @BeforeAll
  static void createSparseFile() throws IOException {
    sparse = dir.resolve("sparse.bin");
    try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
      file.setLength(TWO_GIB); // no disk blocks: the kernel reads holes as zeros
    }
  }

  @Test
  void servesATwoGibFileWithAFlatHeap() throws Exception {
    Measured measured = download("/sparse");

    assertThat(measured.bytes).isEqualTo(TWO_GIB);
    assertThat(measured.maxHeapGrowth).isLessThan(HEAP_BOUND);
  }

  @Test
  void servesAHalfGibStreamWithAFlatHeap() throws Exception {
    Measured measured = download("/zeros");

    assertThat(measured.bytes).isEqualTo(STREAM_SIZE);
    assertThat(measured.maxHeapGrowth).isLessThan(HEAP_BOUND);
  }

  @Test
  void servesAHalfGibChunkedStreamWithAFlatHeap() throws Exception {
    Measured measured = download("/zeros/chunked");

    assertThat(measured.bytes).isGreaterThan(STREAM_SIZE); // the body plus the chunk framing
    assertThat(measured.maxHeapGrowth).isLessThan(HEAP_BOUND);
  }

  record Measured(long bytes, long maxHeapGrowth) {}

  /** Reads the whole response, discarding the body, and returns its size and the heap growth. */
  private Measured download(String path) throws IOException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = usedHeapAfterGc(memory);
    long maxGrowth = 0;
    long started = System.nanoTime();
    long body = 0;
    try (RawHttp raw = new RawHttp(server.port())) {
      raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      InputStream in = raw.socket().getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");
      byte[] buf = new byte[256 * 1024];
      long nextSample = SAMPLE_EVERY;
      int n;
      while ((n = in.read(buf)) != -1) {
        body += n;
        if (body >= nextSample) {
          maxGrowth = Math.max(maxGrowth, usedHeapAfterGc(memory) - baseline);
          nextSample += SAMPLE_EVERY;
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s: %d bytes in %.2f s (%.0f MiB/s); heap growth at most %.1f MiB over %.1f MiB%n",
        path,
        body,
        seconds,
        body / seconds / (1 << 20),
        maxGrowth / (double) (1 << 20),
        baseline / (double) (1 << 20));
    return new Measured(body, maxGrowth);
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection ended in the head: " + head);
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Yields {@code length} zeros. */
  static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long length) {
      this.left = length;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
