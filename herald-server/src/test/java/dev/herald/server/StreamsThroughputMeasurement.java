package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.H2Client;
import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import reactor.core.publisher.Flux;

/**
 * Measures 100 SSE streams at full speed: over one HTTP/2 connection (prior knowledge) and over 100
 * HTTP/1.1 connections, each publisher emitting as fast as its stream's demand allows. Prints
 * events per second delivered and the heap after a GC while the streams run (server and client
 * share the JVM). Not a test: runs only with {@code -Dherald.measure=true}.
 */
@EnabledIfSystemProperty(named = "herald.measure", matches = "true")
class StreamsThroughputMeasurement {
  private static final int STREAMS = 100;
  private static final Duration WARM_UP = Duration.ofSeconds(3);
  private static final Duration MEASURE = Duration.ofSeconds(10);
  private static final byte[] EVENT =
      SseEncoder.create(Object::toString)
          .encodeToString(
              MessageEvent.of("{\"price\":10,\"book\":\"https://example.com/books/1\"}"))
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void measure() throws Exception {
    for (String protocol : List.of("h2c", "http/1.1", "h2c", "http/1.1")) {
      try (HeraldServer server =
          HeraldServer.builder()
              .host("127.0.0.1")
              .port(0)
              .sse(
                  "/stream",
                  r ->
                      Flux.<EncodedEvent>generate(
                          sink -> sink.next(EncodedEvent.of(EVENT)))) // shared bytes
              .build()
              .start()) {
        run(protocol, server);
      }
    }
  }

  private static void run(String protocol, HeraldServer server) throws Exception {
    AtomicLong bytes = new AtomicLong();
    AutoCloseable clients =
        protocol.equals("h2c") ? openH2(server.port(), bytes) : openHttp1(server.port(), bytes);
    try {
      Thread.sleep(WARM_UP.toMillis()); // a measurement window, not synchronisation
      assertThat(server.streamCount()).isEqualTo(STREAMS);
      long start = System.nanoTime();
      long before = bytes.get();
      Thread.sleep(MEASURE.toMillis() / 2);
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      Thread.sleep(MEASURE.toMillis() / 2);
      double seconds = (System.nanoTime() - start) / 1e9;
      long events = (bytes.get() - before) / EVENT.length;
      System.out.printf(
          "%-8s %d streams, %d connection(s): %,.0f events/s (%,.1f MB/s), heap after GC %,d KiB%n",
          protocol,
          STREAMS,
          server.connectionCount(),
          events / seconds,
          (bytes.get() - before) / seconds / 1e6,
          heap / 1024);
    } finally {
      clients.close();
    }
  }

  private static AutoCloseable openH2(int port, AtomicLong total) throws Exception {
    H2Client client = H2Client.connect(port, 1 << 20);
    List<H2Client.Stream> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      streams.add(client.get("/stream", true, false));
    }
    Thread counter =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                total.set(streams.stream().mapToLong(H2Client.Stream::dataBytes).sum());
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    counter.start();
    return () -> {
      counter.interrupt();
      counter.join();
      client.close();
    };
  }

  private static AutoCloseable openHttp1(int port, AtomicLong total) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<Channel> channels = new ArrayList<>();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof HttpContent) {
                                  total.addAndGet(((HttpContent) msg).content().readableBytes());
                                }
                                ReferenceCountUtil.release(msg);
                              }
                            });
                  }
                });
    for (int i = 0; i < STREAMS; i++) {
      Channel ch = bootstrap.connect("127.0.0.1", port).sync().channel();
      DefaultFullHttpRequest request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.GET, "/stream", Unpooled.EMPTY_BUFFER);
      request.headers().set("Host", "127.0.0.1").set("Accept", "text/event-stream");
      ch.writeAndFlush(request).sync();
      channels.add(ch);
    }
    return () -> {
      channels.forEach(Channel::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    };
  }
}
