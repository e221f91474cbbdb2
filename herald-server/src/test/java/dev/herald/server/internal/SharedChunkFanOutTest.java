package dev.herald.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.server.EncodedEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One {@link EncodedEvent} sent to several HTTP/1.1 streams is written by every connection from the
 * same direct memory, as a ready chunk: no connection copies the event's bytes. Without sockets:
 * connections are {@link EmbeddedChannel}s with the pipeline {@link PipelineInitializer} builds, so
 * what each writes can be inspected. herald-benchmarks' {@code FanOutBenchmark} measures the same
 * path's allocation with the hub in front.
 */
class SharedChunkFanOutTest {
  private final List<EmbeddedChannel> connections = new ArrayList<>();
  private final SubmissionPublisher<Object> events = new SubmissionPublisher<>(Runnable::run, 16);

  @AfterEach
  void tearDown() {
    events.close();
    for (EmbeddedChannel connection : connections) {
      connection.finishAndReleaseAll();
    }
  }

  @Test
  void everyConnectionWritesTheEventsOneChunk() {
    PipelineInitializer initializer = initializer();
    for (int i = 0; i < 3; i++) {
      EmbeddedChannel connection = connect(initializer, i);
      connection.writeInbound(
          Unpooled.copiedBuffer(
              "GET /events HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
      connection.runPendingTasks();
      assertThat(drainText(connection)).startsWith("HTTP/1.1 200 OK");
    }
    assertThat(events.getNumberOfSubscribers()).isEqualTo(3);

    events.submit(EncodedEvent.of("data: shared\n\n".getBytes(StandardCharsets.UTF_8)));

    List<ByteBuf> written = new ArrayList<>();
    try {
      for (EmbeddedChannel connection : connections) {
        connection.runPendingTasks();
        ByteBuf chunk = connection.readOutbound();
        assertThat(chunk).isNotNull();
        written.add(chunk);
        assertThat(connection.outboundMessages()).isEmpty(); // one write, the whole chunk
      }
      for (ByteBuf chunk : written) {
        assertThat(chunk.toString(StandardCharsets.UTF_8)).isEqualTo("e\r\ndata: shared\n\n\r\n");
        assertThat(chunk.isDirect()).isTrue();
        if (chunk.hasMemoryAddress()) {
          assertThat(chunk.memoryAddress()).isEqualTo(written.get(0).memoryAddress());
        }
      }
    } finally {
      written.forEach(ByteBuf::release);
    }
  }

  private PipelineInitializer initializer() {
    ServerConfig config =
        new ServerConfig(
            "127.0.0.1",
            0,
            List.of(Route.sse("/events", request -> events, List.of())),
            Runnable::run,
            1,
            Duration.ZERO,
            null,
            Duration.ZERO,
            Duration.ZERO,
            1 << 20,
            1 << 20,
            16 * 1024,
            8 * 1024,
            0,
            0,
            Duration.ZERO,
            false,
            null,
            false,
            JsonMapper.builder().build(),
            null,
            false);
    return new PipelineInitializer(
        new NettyServer(config),
        Runnable::run, // guards and handlers on the calling thread, the channels' only thread
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
  }

  private EmbeddedChannel connect(PipelineInitializer initializer, int i) {
    InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 40_000 + i);
    EmbeddedChannel connection =
        new EmbeddedChannel(DefaultChannelId.newInstance(), false, false) {
          @Override
          protected SocketAddress remoteAddress0() {
            return remote; // what the connection handler expects of a socket
          }
        };
    connection
        .pipeline()
        .addLast(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                initializer.init(ch, remote);
              }
            });
    try {
      connection.register();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    connections.add(connection);
    return connection;
  }

  private static String drainText(EmbeddedChannel connection) {
    StringBuilder text = new StringBuilder();
    Object message;
    while ((message = connection.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) message;
      text.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return text.toString();
  }
}
