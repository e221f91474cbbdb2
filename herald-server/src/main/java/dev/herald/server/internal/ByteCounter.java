package dev.herald.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes every connection writes. Sits next to the socket, so it sees bytes as they go on
 * the wire; costs one {@link LongAdder} increment per write. Shared by all connections; the adder
 * is written on every event loop and read by any thread.
 */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelOutboundHandlerAdapter {
  private final LongAdder bytes = new LongAdder();

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf) {
      bytes.add(((ByteBuf) msg).readableBytes());
    } else if (msg instanceof ByteBufHolder) {
      bytes.add(((ByteBufHolder) msg).content().readableBytes());
    } else if (msg instanceof FileRegion) {
      bytes.add(((FileRegion) msg).count());
    }
    ctx.write(msg, promise);
  }

  long bytesWritten() {
    return bytes.sum();
  }
}
