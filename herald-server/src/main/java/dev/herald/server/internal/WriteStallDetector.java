package dev.herald.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose pending output makes no progress for the write timeout: a client that
 * stopped reading mid-download or mid-stream. Closing it ends the stream or download, which cancels
 * its publisher or closes its source.
 *
 * <p>Netty's own handlers do not fit: {@code WriteTimeoutHandler} times each write, so a large file
 * region sent to a slow but reading client would be cut; {@code IdleStateHandler} with {@code
 * observeOutput} counts new writes (heartbeats, events piling up) as progress. Progress here is
 * only what leaves the outbound buffer: its current message changing, or its progress moving.
 *
 * <p>A check is scheduled on the first flush and every half timeout while output is pending, so a
 * stalled connection is closed between one and one and a half timeouts after its last progress, and
 * an idle connection costs no timer. Threads: the connection's event loop only.
 */
final class WriteStallDetector extends ChannelOutboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(WriteStallDetector.class);

  private final long timeoutNanos;
  private final long checkNanos;
  private final Runnable onStall;

  // Event loop only.
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> check;
  private int lastMessage;
  private long lastProgress;
  private long unchangedSince;

  /** Creates a detector; {@code onStall} runs on the event loop before the connection closes. */
  WriteStallDetector(Duration timeout, Runnable onStall) {
    this.timeoutNanos = timeout.toNanos();
    this.checkNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), timeoutNanos / 2);
    this.onStall = onStall;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void close(ChannelHandlerContext ctx, io.netty.channel.ChannelPromise promise) {
    cancel();
    ctx.close(promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
    if (check == null && ctx.channel().isActive() && pending() != null) {
      snapshot(pending());
      schedule();
    }
  }

  private void check() {
    check = null;
    ChannelOutboundBuffer out = pending();
    if (out == null || !ctx.channel().isActive()) {
      return; // everything was written: the next flush starts watching again
    }
    int message = System.identityHashCode(out.current());
    if (message != lastMessage || out.currentProgress() != lastProgress) {
      snapshot(out);
    } else if (System.nanoTime() - unchangedSince >= timeoutNanos) {
      LOG.info(
          "write timeout: closing the connection from {}, which read nothing for {} ms",
          ctx.channel().remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
      onStall.run();
      ctx.close();
      return;
    }
    schedule();
  }

  private void snapshot(ChannelOutboundBuffer out) {
    lastMessage = System.identityHashCode(out.current());
    lastProgress = out.currentProgress();
    unchangedSince = System.nanoTime();
  }

  private void schedule() {
    check = ctx.executor().schedule(this::check, checkNanos, TimeUnit.NANOSECONDS);
  }

  /** Returns the outbound buffer if a message waits in it, else null. */
  private ChannelOutboundBuffer pending() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return out == null || out.current() == null ? null : out;
  }

  private void cancel() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }
}
