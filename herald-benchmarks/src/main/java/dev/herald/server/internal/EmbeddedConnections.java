package dev.herald.server.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Executor;

/**
 * Connections of an unstarted {@link NettyServer} on Netty {@link EmbeddedChannel}s, each with the
 * pipeline the server builds for an accepted plain connection ({@link PipelineInitializer}: the
 * connection watch, the HTTP/1.1 codec and, from the first request on, the request handlers and
 * {@link ConnectionHandler}). Bytes written into a channel go through the real codec; what the
 * server writes ends up in {@link EmbeddedChannel#outboundMessages()} instead of a socket.
 *
 * <p>Lives in the engine's internal package because the pipeline set-up is package-private; for
 * benchmarks only. Threads: one, the caller's (embedded channels run their event loop's tasks when
 * asked to).
 */
public final class EmbeddedConnections {
  private final PipelineInitializer initializer;
  private final ByteBufAllocator allocator;
  private int opened;

  /**
   * Creates a factory of connections to {@code server}, whose guards and handlers run on {@code
   * executor} and whose channels allocate with {@code allocator}.
   */
  public EmbeddedConnections(NettyServer server, Executor executor, ByteBufAllocator allocator) {
    ChannelGroup connections =
        new DefaultChannelGroup("embedded-connections", GlobalEventExecutor.INSTANCE);
    ChannelGroup streams =
        new DefaultChannelGroup("embedded-http2-streams", GlobalEventExecutor.INSTANCE);
    this.initializer = new PipelineInitializer(server, executor, connections, streams);
    this.allocator = allocator;
  }

  /**
   * Returns a new connection, registered and active, from its own loopback address (127.0.x.y), so
   * that per-address connection limits are never in the way. Its clock is frozen: no heartbeat,
   * idle or write-stall timer ever becomes due.
   */
  public EmbeddedChannel open() {
    int n = ++opened;
    InetSocketAddress remote;
    try {
      remote =
          new InetSocketAddress(
              InetAddress.getByAddress(
                  new byte[] {127, (byte) (n >> 16), (byte) (n >> 8), (byte) n}),
              40_000 + (n & 0x3fff));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    Connection channel = new Connection(remote);
    channel.config().setAllocator(allocator);
    channel
        .pipeline()
        .addLast(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                initializer.init(ch, remote);
              }
            });
    try {
      channel.register();
    } catch (Exception e) {
      throw new IllegalStateException("cannot register an embedded connection", e);
    }
    channel.freezeTime(); // before any timer set so far can be due
    return channel;
  }

  /**
   * An embedded channel with an IP remote address, as the connection handler expects of a socket.
   */
  private static final class Connection extends EmbeddedChannel {
    private final InetSocketAddress remote;

    Connection(InetSocketAddress remote) {
      super(DefaultChannelId.newInstance(), false, false);
      this.remote = remote;
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return remote;
    }
  }
}
