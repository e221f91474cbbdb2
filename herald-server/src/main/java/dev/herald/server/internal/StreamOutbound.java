package dev.herald.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2DataFrame;
import java.util.function.LongSupplier;

/**
 * Counts the bytes of the DATA frames an HTTP/2 stream has written that the connection has not sent
 * yet: those waiting for the stream's (or the connection's) flow-control window, and those in the
 * connection's outbound buffer. A stream's child channel has no outbound buffer of its own, so this
 * is what {@link #pendingBytes(Channel)} reports for it.
 *
 * <p>Threads: written on the event loop only; read from any thread.
 */
final class StreamOutbound extends ChannelOutboundHandlerAdapter {
  private volatile long pending; // written on the event loop only

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof Http2DataFrame)) {
      ctx.write(msg, promise);
      return;
    }
    int size = ((Http2DataFrame) msg).initialFlowControlledBytes();
    pending += size;
    ChannelPromise counted = promise.unvoid();
    counted.addListener((ChannelFutureListener) future -> pending -= size);
    ctx.write(msg, counted);
  }

  /**
   * Returns how to read the bytes a channel holds that are written but not sent: its outbound
   * buffer, or for an HTTP/2 stream what its {@code StreamOutbound} counts. The supplier may be
   * called from any thread.
   */
  static LongSupplier pendingBytes(Channel channel) {
    StreamOutbound stream = channel.pipeline().get(StreamOutbound.class);
    if (stream != null) {
      return () -> stream.pending;
    }
    return () -> {
      ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
      return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    };
  }
}
