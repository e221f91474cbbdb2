package dev.herald.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty server behind {@link dev.herald.server.HeraldServer}: event loops, the channel
 * pipeline, the handler executor and the bookkeeping of open connections and streams.
 *
 * <p>The pipeline of each connection (HTTP/1.1, HTTP/2, TLS) is set up by {@link
 * PipelineInitializer}.
 */
public final class NettyServer implements ServerContext {
  private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);

  private final ServerConfig config;
  private final Router router;
  private final SseEncoder encoder;
  private final ConnectionLimiter limiter;
  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicLong slowConsumerCuts = new AtomicLong();
  private final LongAdder connectionsAccepted = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();

  private final Object lifecycle = new Object();
  private volatile boolean stopping;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private ExecutorService ownExecutor;
  private ChannelGroup channels;
  private ChannelGroup streamChannels;
  private Channel serverChannel;

  /**
   * Creates a server for the configuration, not started.
   *
   * @throws IllegalArgumentException if two routes clash
   */
  public NettyServer(ServerConfig config) {
    this.config = config;
    this.router = new Router(config.routes());
    this.encoder =
        SseEncoder.create(
            data -> {
              try {
                return config.objectMapper().writeValueAsString(data);
              } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                    "cannot write " + data.getClass().getName() + " as JSON", e);
              }
            });
    this.limiter =
        new ConnectionLimiter(config.maxConnections(), config.maxConnectionsPerAddress());
  }

  /** Binds and starts serving. */
  public void start() {
    synchronized (lifecycle) {
      if (bossGroup != null) {
        throw new IllegalStateException("already started");
      }
      Executor executor = config.executor();
      if (executor == null) {
        ownExecutor = handlerPool(config.maxHandlerThreads());
        executor = ownExecutor;
      }
      bossGroup =
          new MultiThreadIoEventLoopGroup(
              1, new DefaultThreadFactory("herald-accept", true), NioIoHandler.newFactory());
      workerGroup =
          new MultiThreadIoEventLoopGroup(
              0, new DefaultThreadFactory("herald-io", true), NioIoHandler.newFactory());
      channels = new DefaultChannelGroup("herald-connections", GlobalEventExecutor.INSTANCE);
      streamChannels =
          new DefaultChannelGroup("herald-http2-streams", GlobalEventExecutor.INSTANCE);
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(bossGroup, workerGroup)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(
                      Math.min(32 * 1024, config.maxBufferedBytes() / 4),
                      Math.min(64 * 1024, config.maxBufferedBytes() / 2)))
              .childHandler(new PipelineInitializer(this, executor, channels, streamChannels));
      try {
        serverChannel =
            bootstrap.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
      } catch (Exception e) {
        shutdownThreads(Duration.ZERO);
        throw new IllegalStateException(
            "cannot bind "
                + config.host()
                + ":"
                + config.port()
                + ": "
                + (e.getMessage() != null ? e.getMessage() : e.toString()),
            e);
      }
    }
  }

  private static ExecutorService handlerPool(int maxThreads) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            maxThreads,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new DefaultThreadFactory("herald-handler", true));
    return pool;
  }

  /** Returns the bound address. */
  public InetSocketAddress localAddress() {
    Channel channel = serverChannel;
    if (channel == null || !channel.isActive()) {
      throw new IllegalStateException("not running");
    }
    return (InetSocketAddress) channel.localAddress();
  }

  /** Returns the number of open connections. */
  public int connectionCount() {
    ChannelGroup group = channels;
    return group == null ? 0 : group.size();
  }

  /** Returns the number of open SSE streams. */
  public int streamCount() {
    return streams.get();
  }

  /** Returns how many streams were cut for reading too slowly. */
  public long slowConsumerCuts() {
    return slowConsumerCuts.get();
  }

  /** Returns the number of connections accepted since this server was created. */
  /** Returns the limits on connections, in total and per client address. */
  ConnectionLimiter limiter() {
    return limiter;
  }

  /** Counts a connection accepted. Event loop. */
  void connectionAccepted() {
    connectionsAccepted.increment();
  }

  /** Returns the counter of the bytes written to every connection; shared. */
  LongAdder bytesCounter() {
    return bytesWritten;
  }

  public long connectionsAccepted() {
    return connectionsAccepted.sum();
  }

  /** Returns the number of bytes written to connections since this server was created. */
  public long bytesWritten() {
    return bytesWritten.sum();
  }

  /** Stops accepting, ends every stream and connection, and releases the threads. */
  public void stop(Duration timeout) {
    synchronized (lifecycle) {
      if (bossGroup == null || stopping) {
        return;
      }
      stopping = true;
      long deadline = System.nanoTime() + timeout.toNanos();
      serverChannel.close().awaitUninterruptibly(timeout.toMillis());
      // HTTP/2 streams first: each SSE stream gets its retry hint before its connection's GOAWAY.
      for (Channel stream : streamChannels) {
        stopRequests(stream, timeout);
      }
      for (Channel channel : channels) {
        stopRequests(channel, timeout);
      }
      long remaining = Math.max(0, deadline - System.nanoTime());
      if (!channels.newCloseFuture().awaitUninterruptibly(remaining, TimeUnit.NANOSECONDS)) {
        LOG.warn("{} connections still busy after {}; closing them", channels.size(), timeout);
      }
      channels.close().awaitUninterruptibly(timeout.toMillis());
      shutdownThreads(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  /**
   * Ends what a connection or HTTP/2 stream is doing: its SSE stream gets its last frame, a
   * download in flight may finish; an HTTP/2 connection sends {@code GOAWAY} and closes after its
   * last stream; a connection that has not started a request closes.
   */
  private static void stopRequests(Channel channel, Duration timeout) {
    channel
        .eventLoop()
        .execute(
            () -> {
              ConnectionHandler handler = channel.pipeline().get(ConnectionHandler.class);
              if (handler != null) {
                handler.serverStopping();
              } else if (!Http2Support.goAway(channel, timeout)) {
                channel.close();
              }
            });
  }

  private void shutdownThreads(Duration timeout) {
    workerGroup
        .shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
    bossGroup
        .shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  boolean isStopping() {
    return stopping;
  }

  Router router() {
    return router;
  }

  @Override
  public ServerConfig config() {
    return config;
  }

  @Override
  public String encode(MessageEvent event) {
    return encoder.encodeToString(event);
  }

  @Override
  public void streamOpened() {
    streams.incrementAndGet();
  }

  @Override
  public void streamClosed() {
    streams.decrementAndGet();
  }

  @Override
  public void slowConsumerCut() {
    slowConsumerCuts.incrementAndGet();
  }
}
