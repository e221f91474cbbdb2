package dev.herald.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A test server that runs a script per request, on a thread of its own, so that a test controls
 * exactly what goes on the wire and when: the status and headers, each chunk (one write and flush
 * each), a normal end, or a dropped connection. Speaks HTTP/1.1 and HTTP/2 (an {@code h2c} upgrade,
 * which is how the JDK client asks for HTTP/2 over plain HTTP).
 */
final class ScriptServer implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** What the server does for one request. */
  @FunctionalInterface
  interface Script {
    void run(Exchange exchange) throws Exception;
  }

  private final Script script;
  private final EventLoopGroup group;
  private final ChannelGroup channels =
      new DefaultChannelGroup("script-server", GlobalEventExecutor.INSTANCE);
  private final ExecutorService scripts = Executors.newCachedThreadPool(r -> daemon(r));
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final Channel serverChannel;

  private ScriptServer(Script script, int port) {
    this.script = script;
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("script-server", true), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    configure(ch);
                  }
                });
    serverChannel =
        bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
  }

  /** Starts a server on a free port. */
  static ScriptServer start(Script script) {
    return new ScriptServer(script, 0);
  }

  /** Starts a server on the given port, as a restarted server would. */
  static ScriptServer start(Script script, int port) {
    return new ScriptServer(script, port);
  }

  int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** Returns the exchanges so far, in arrival order. */
  List<Exchange> exchanges() {
    return exchanges;
  }

  /** Returns the request of the exchange at the index; fails if it has not arrived. */
  Exchange exchange(int index) {
    return exchanges.get(index);
  }

  /** Stops accepting and closes every connection, as a crashed server would. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    channels.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    scripts.shutdownNow();
  }

  private void configure(SocketChannel ch) {
    HttpServerCodec codec = new HttpServerCodec();
    HttpServerUpgradeHandler.UpgradeCodecFactory factory =
        protocol ->
            AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                ? new Http2ServerUpgradeCodec(
                    Http2FrameCodecBuilder.forServer().build(),
                    new Http2MultiplexHandler(streamInitializer(), streamInitializer()))
                : null;
    HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, factory, 1 << 20);
    ch.pipeline()
        .addLast(
            new CleartextHttp2ServerUpgradeHandler(
                codec,
                upgrade,
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel c) {
                    c.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forServer().build(),
                            new Http2MultiplexHandler(streamInitializer()));
                  }
                }));
    ch.pipeline().addLast(new HttpObjectAggregator(1 << 20), new RequestHandler("HTTP/1.1", ch));
  }

  private ChannelInitializer<Channel> streamInitializer() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        stream
            .pipeline()
            .addLast(
                new Http2StreamFrameToHttpObjectCodec(true),
                new HttpObjectAggregator(1 << 20),
                new RequestHandler("HTTP/2", stream.parent()));
      }
    };
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "script");
    t.setDaemon(true);
    return t;
  }

  private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String version;
    private final Channel connection;

    RequestHandler(String version, Channel connection) {
      this.version = version;
      this.connection = connection;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      Map<String, String> headers = new LinkedHashMap<>();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      Exchange exchange =
          new Exchange(
              exchanges.size(),
              version,
              request.method().name(),
              request.uri(),
              headers,
              request.content().toString(StandardCharsets.UTF_8),
              ctx.channel(),
              connection);
      exchanges.add(exchange);
      ctx.channel().closeFuture().addListener(f -> exchange.closed.complete(null));
      scripts.execute(
          () -> {
            try {
              script.run(exchange);
            } catch (Exception | AssertionError e) {
              exchange.failure = e;
              ctx.channel().close();
            }
          });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** One request and its response, written by the script. */
  static final class Exchange {
    final int index;
    final String version;
    final String method;
    final String path;
    final Map<String, String> headers;
    final String body;
    private final Channel channel;
    private final Channel connection;
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    volatile Throwable failure;
    private volatile boolean chunked;

    Exchange(
        int index,
        String version,
        String method,
        String path,
        Map<String, String> headers,
        String body,
        Channel channel,
        Channel connection) {
      this.index = index;
      this.version = version;
      this.method = method;
      this.path = path;
      this.headers = headers;
      this.body = body;
      this.channel = channel;
      this.connection = connection;
    }

    /** Returns a request header as the client meant it: its bytes decoded as UTF-8. */
    String header(String name) {
      String raw = headers.get(name.toLowerCase());
      return raw == null
          ? null
          : new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * Writes the head of a response without a length, so that its body ends when the script says.
     */
    Exchange respond(int status, String... headerPairs) {
      DefaultHttpResponse response =
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
      for (int i = 0; i + 1 < headerPairs.length; i += 2) {
        response.headers().add(headerPairs[i], headerPairs[i + 1]);
      }
      if (!response.headers().contains("content-length")) {
        HttpUtil.setTransferEncodingChunked(response, true);
        chunked = true;
      }
      write(response);
      return this;
    }

    /** Writes a 200 {@code text/event-stream} head. */
    Exchange stream() {
      return respond(200, "content-type", "text/event-stream", "cache-control", "no-cache");
    }

    /** Writes and flushes one chunk, and waits until it is written to the socket. */
    Exchange send(String text) {
      return send(text.getBytes(StandardCharsets.UTF_8));
    }

    Exchange send(byte[] bytes) {
      return send(bytes, 0, bytes.length);
    }

    Exchange send(byte[] bytes, int offset, int length) {
      write(new DefaultHttpContent(Unpooled.copiedBuffer(bytes, offset, length)));
      return this;
    }

    /** Writes the bytes as chunks of the given sizes, each flushed on its own. */
    Exchange sendInChunks(byte[] bytes, List<Integer> sizes) {
      int offset = 0;
      for (int size : sizes) {
        send(bytes, offset, size);
        offset += size;
      }
      return this;
    }

    /** Ends the body normally. */
    void end() {
      write(chunked || version.equals("HTTP/2") ? LastHttpContent.EMPTY_LAST_CONTENT : null);
    }

    /** Writes a complete response with a text body and a length. */
    void reply(int status, String body, String... headerPairs) {
      List<String> pairs = new ArrayList<>(List.of(headerPairs));
      pairs.add("content-length");
      pairs.add(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
      respond(status, pairs.toArray(String[]::new));
      if (!body.isEmpty()) {
        send(body);
      }
      write(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /** Drops the stream mid-body: closes the HTTP/1.1 connection, resets the HTTP/2 stream. */
    void abort() {
      channel.close().syncUninterruptibly();
    }

    /** Closes the whole connection (for HTTP/2, every stream on it). */
    void abortConnection() {
      connection.close().syncUninterruptibly();
    }

    /** Waits until the client has closed the stream or connection. */
    void awaitClosed() throws Exception {
      closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    boolean isClosed() {
      return closed.isDone();
    }

    private void write(Object message) {
      if (message == null) {
        return;
      }
      ChannelFuture f = channel.writeAndFlush(message);
      f.awaitUninterruptibly();
      if (!f.isSuccess()) {
        throw new IllegalStateException("write failed: " + f.cause(), f.cause());
      }
    }
  }
}
