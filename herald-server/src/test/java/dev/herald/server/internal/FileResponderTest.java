package dev.herald.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.server.StreamableFile;
import dev.herald.server.testing.HttpReader;
import dev.herald.server.testing.HttpReader.RawResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file where it cannot go out zero-copy (here a channel that is not a TCP socket, as an HTTP/2
 * stream or a TLS connection would be): it is read in chunks, off the event loop, and framed by its
 * length. Without sockets, on an {@link EmbeddedChannel}.
 */
class FileResponderTest {
  static final int SIZE = 200_000; // several chunks

  @TempDir Path dir;
  private byte[] content;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() throws IOException {
    content = new byte[SIZE];
    for (int i = 0; i < SIZE; i++) {
      content[i] = (byte) (i * 31);
    }
    Path file = Files.write(dir.resolve("data.bin"), content);
    ServerConfig config =
        new ServerConfig(
            "127.0.0.1",
            0,
            List.of(Route.of("GET", "/file", r -> StreamableFile.of(file), List.of())),
            Runnable::run,
            1,
            Duration.ofSeconds(15),
            null,
            Duration.ZERO,
            Duration.ofSeconds(60),
            1 << 20,
            1 << 20,
            16 * 1024,
            8 * 1024,
            0,
            0,
            Duration.ZERO,
            false,
            null,
            true,
            JsonMapper.builder().build(),
            null,
            true);
    channel =
        new EmbeddedChannel(
            new HttpServerCodec(),
            new StreamAwareCompressor(),
            new BodyAggregator(1 << 20),
            // The handler executor runs tasks on the calling thread, the channel's only thread.
            new ConnectionHandler(new NettyServer(config), Runnable::run)) {
          @Override
          protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 40000); // what a request records
          }
        };
  }

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
  }

  @Test
  void sendsTheWholeFileInChunksWithItsLength() throws IOException {
    RawResponse response =
        exchange("GET /file HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Length")).contains(String.valueOf(SIZE));
    assertThat(response.header("Content-Encoding")).isEmpty();
    assertThat(response.header("Accept-Ranges")).contains("bytes");
    assertThat(response.body()).isEqualTo(content);
  }

  @Test
  void sendsARangeFromTheMiddleOfTheFile() throws IOException {
    RawResponse response =
        exchange("GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=70000-150000\r\n\r\n");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.header("Content-Range")).contains("bytes 70000-150000/" + SIZE);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(content, 70000, 150001));
  }

  @Test
  void servesTheNextRequestAfterADownload() throws IOException {
    RawResponse first = exchange("GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=-10\r\n\r\n");
    RawResponse second = exchange("GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n");

    assertThat(first.body()).isEqualTo(Arrays.copyOfRange(content, SIZE - 10, SIZE));
    assertThat(second.body()).isEqualTo(Arrays.copyOfRange(content, 0, 10));
    assertThat(channel.isOpen()).isTrue();
  }

  /** Sends the request and runs the channel's tasks until a whole response is out. */
  private RawResponse exchange(String request) throws IOException {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int idle = 0;
    while (idle < 3) {
      channel.runPendingTasks();
      boolean any = false;
      ByteBuf buf;
      while ((buf = channel.readOutbound()) != null) {
        any = true;
        buf.readBytes(out, buf.readableBytes());
        buf.release();
      }
      idle = any ? 0 : idle + 1;
    }
    return new HttpReader(new ByteArrayInputStream(out.toByteArray())).response();
  }
}
