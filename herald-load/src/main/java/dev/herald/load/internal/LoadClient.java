package dev.herald.load.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The Netty side of a load run: a few event loops and a bootstrap per kind of connection. */
final class LoadClient implements AutoCloseable {
  /** The largest publication response kept: {@value} bytes. */
  static final int MAX_RESPONSE_SIZE = 64 * 1024;

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;

  LoadClient(int threads, Duration connectTimeout) {
    group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("herald-load", true), NioIoHandler.newFactory());
    bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
  }

  /** Connects a subscriber; its handler sends the request once connected. */
  ChannelFuture subscribe(Endpoint endpoint, @Nullable InetAddress local, SseSubscriber handler) {
    return connect(endpoint, local, new HttpClientCodec(), handler);
  }

  /** Connects a publisher; its handler receives whole responses. */
  ChannelFuture publish(Endpoint endpoint, @Nullable InetAddress local, HubPublisher handler) {
    return connect(
        endpoint,
        local,
        new HttpClientCodec(),
        new HttpObjectAggregator(MAX_RESPONSE_SIZE),
        handler);
  }

  private ChannelFuture connect(
      Endpoint endpoint, @Nullable InetAddress local, ChannelHandler... handlers) {
    Bootstrap b =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(handlers);
                  }
                });
    return local == null
        ? b.connect(endpoint.address())
        : b.connect(endpoint.address(), new InetSocketAddress(local, 0));
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
