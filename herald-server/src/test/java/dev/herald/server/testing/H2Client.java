package dev.herald.server.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cleartext HTTP/2 client speaking by prior knowledge (no upgrade), built on Netty's frame codec:
 * opens streams on one connection, records what each receives, and can reset a stream or leave it
 * unread so that its flow-control window runs out.
 */
public final class H2Client implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;
  private final CompletableFuture<Long> goAway = new CompletableFuture<>();
  private final List<Http2StreamChannel> streams = new CopyOnWriteArrayList<>();

  private H2Client(int port, int initialWindowSize) throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient()
                                .initialSettings(
                                    Http2Settings.defaultSettings()
                                        .initialWindowSize(initialWindowSize))
                                .build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2GoAwayFrame) {
                                  goAway.complete(((Http2GoAwayFrame) msg).errorCode());
                                }
                                ReferenceCountUtil.release(msg);
                              }
                            });
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** Connects to a server on 127.0.0.1 with the default stream window (64 KiB). */
  public static H2Client connect(int port) throws InterruptedException {
    return new H2Client(port, Http2CodecDefaults.WINDOW);
  }

  /** Connects announcing the given initial stream window. */
  public static H2Client connect(int port, int initialWindowSize) throws InterruptedException {
    return new H2Client(port, initialWindowSize);
  }

  /** Returns the error code of the server's GOAWAY, once it arrived. */
  public CompletableFuture<Long> goAway() {
    return goAway;
  }

  /**
   * Opens a stream with {@code GET path}. A stream that does not read takes no frames off the
   * connection, so it never returns window to the server.
   */
  public Stream get(String path, boolean read) throws InterruptedException {
    return get(path, read, true);
  }

  /** Opens a stream as {@link #get(String, boolean)} does; one not keeping its body counts it. */
  public Stream get(String path, boolean read, boolean keepBody) throws InterruptedException {
    Stream stream = new Stream(keepBody);
    Http2StreamChannel child =
        new Http2StreamChannelBootstrap(channel)
            .option(ChannelOption.AUTO_READ, read)
            .handler(stream)
            .open()
            .sync()
            .getNow();
    stream.channel = child;
    streams.add(child);
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("GET")
            .path(path)
            .scheme("http")
            .authority("127.0.0.1")
            .add("accept", "text/event-stream");
    child.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true)).sync();
    return stream;
  }

  @Override
  public void close() {
    // A stream that never read keeps the frames it was sent until it is closed: close each first.
    for (Http2StreamChannel stream : streams) {
      stream.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** The initial window a default HTTP/2 peer announces. */
  private static final class Http2CodecDefaults {
    static final int WINDOW = 65_535;
  }

  /** One stream: its response head, the text of its body so far, and how it ended. */
  public static final class Stream extends ChannelInboundHandlerAdapter {
    /** The body text kept: the first {@value} characters, give or take a frame. */
    static final int MAX_BODY = 1 << 20;

    private final CompletableFuture<Http2Headers> head = new CompletableFuture<>();
    private final StringBuffer body = new StringBuffer();
    private final AtomicLong dataBytes = new AtomicLong();
    private final CompletableFuture<Long> reset = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final boolean keepBody;
    private volatile Http2StreamChannel channel;

    Stream(boolean keepBody) {
      this.keepBody = keepBody;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame) {
          head.complete(((Http2HeadersFrame) msg).headers());
          if (((Http2HeadersFrame) msg).isEndStream()) {
            ended.complete(null);
          }
        } else if (msg instanceof Http2DataFrame) {
          Http2DataFrame data = (Http2DataFrame) msg;
          dataBytes.addAndGet(data.content().readableBytes());
          if (keepBody && body.length() < MAX_BODY) {
            body.append(data.content().toString(StandardCharsets.UTF_8));
          }
          if (data.isEndStream()) {
            ended.complete(null);
          }
        } else if (msg instanceof Http2ResetFrame) {
          reset.complete(((Http2ResetFrame) msg).errorCode());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ended.complete(null);
      ctx.fireChannelInactive();
    }

    /** Waits for the response head. */
    public Http2Headers head(Duration timeout) throws Exception {
      return head.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Returns the body received so far (its first MiB), as UTF-8. */
    public String body() {
      return body.toString();
    }

    /** Returns the DATA bytes received so far. */
    public long dataBytes() {
      return dataBytes.get();
    }

    /** Completes with the error code when the server resets the stream. */
    public CompletableFuture<Long> reset() {
      return reset;
    }

    /** Completes when the stream has ended, normally or not. */
    public CompletableFuture<Void> ended() {
      return ended;
    }

    /** Starts reading a stream opened without: what is queued, then everything that arrives. */
    public void startReading() {
      channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
    }

    /** Resets the stream ({@code RST_STREAM CANCEL}), as a client that leaves does. */
    public void cancel() {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
