package dev.herald.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Next to the socket, watches one connection: counts the bytes it writes, closes it when its
 * pending output makes no progress for the write timeout (a client that stopped reading
 * mid-download or mid-stream), and fires {@link IdleStateEvent#READER_IDLE_STATE_EVENT} when it has
 * read nothing for the idle timeout.
 *
 * <p>One handler rather than three because every write and flush of every event passes the handlers
 * between the writer and the socket: at tens of thousands of connections each one is a cache miss
 * per event, and each costs its context and timer per connection.
 *
 * <p>Netty's own handlers do not fit the write stall: {@code WriteTimeoutHandler} times each write,
 * so a large file region sent to a slow but reading client would be cut; {@code IdleStateHandler}
 * with {@code observeOutput} counts new writes (heartbeats, events piling up) as progress. Progress
 * here is only what leaves the outbound buffer: its current message changing, or its progress
 * moving. A check is scheduled on the first flush and every half timeout while output is pending,
 * so a stalled connection is closed between one and one and a half timeouts after its last
 * progress, and a connection with nothing pending costs no write timer.
 *
 * <p>Reader idleness is what {@code IdleStateHandler(readerIdle, 0, 0)} does, without its write
 * path: a timer that checks when the last read completed. Threads: the connection's event loop.
 */
final class ConnectionWatch extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatch.class);

  private final LongAdder bytesWritten;
  private final long writeTimeoutNanos; // 0: no write timeout
  private final long writeCheckNanos;
  private final long idleNanos; // 0: no idle timeout
  private final Runnable onStall;
  private final Runnable idleTask = this::checkIdle;
  private final Runnable writeTask = this::checkWrites;

  // Event loop only.
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> writeCheck;
  private int lastMessage;
  private long lastProgress;
  private long unchangedSince;
  private ScheduledFuture<?> idleCheck;
  private boolean reading;
  private long lastReadNanos;
  private boolean firstIdle = true;

  /**
   * Creates a watch that adds to {@code bytesWritten}; {@code onStall} runs on the event loop
   * before a stalled connection closes. A zero timeout turns its check off.
   */
  ConnectionWatch(
      LongAdder bytesWritten, Duration writeTimeout, Duration idleTimeout, Runnable onStall) {
    this.bytesWritten = bytesWritten;
    this.writeTimeoutNanos = writeTimeout.toNanos();
    this.writeCheckNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), writeTimeoutNanos / 2);
    this.idleNanos = idleTimeout.toNanos();
    this.onStall = onStall;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      startIdleCheck();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startIdleCheck();
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelChecks();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelChecks();
    ctx.fireChannelInactive();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    cancelChecks();
    ctx.close(promise);
  }

  // ---- bytes and write stalls ----

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf) {
      bytesWritten.add(((ByteBuf) msg).readableBytes());
    } else if (msg instanceof ByteBufHolder) {
      bytesWritten.add(((ByteBufHolder) msg).content().readableBytes());
    } else if (msg instanceof FileRegion) {
      bytesWritten.add(((FileRegion) msg).count());
    }
    ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
    if (writeTimeoutNanos > 0 && writeCheck == null && ctx.channel().isActive()) {
      ChannelOutboundBuffer out = pending();
      if (out != null) {
        snapshot(out);
        scheduleWriteCheck();
      }
    }
  }

  private void checkWrites() {
    writeCheck = null;
    ChannelOutboundBuffer out = pending();
    if (out == null || !ctx.channel().isActive()) {
      return; // everything was written: the next flush starts watching again
    }
    int message = System.identityHashCode(out.current());
    if (message != lastMessage || out.currentProgress() != lastProgress) {
      snapshot(out);
    } else if (System.nanoTime() - unchangedSince >= writeTimeoutNanos) {
      LOG.info(
          "write timeout: closing the connection from {}, which read nothing for {} ms",
          ctx.channel().remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos));
      onStall.run();
      ctx.close();
      return;
    }
    scheduleWriteCheck();
  }

  private void snapshot(ChannelOutboundBuffer out) {
    lastMessage = System.identityHashCode(out.current());
    lastProgress = out.currentProgress();
    unchangedSince = System.nanoTime();
  }

  private void scheduleWriteCheck() {
    writeCheck = ctx.executor().schedule(writeTask, writeCheckNanos, TimeUnit.NANOSECONDS);
  }

  /** Returns the outbound buffer if a message waits in it, else null. */
  private ChannelOutboundBuffer pending() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return out == null || out.current() == null ? null : out;
  }

  // ---- reader idleness ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (reading) {
      reading = false;
      firstIdle = true;
      lastReadNanos = System.nanoTime();
    }
    ctx.fireChannelReadComplete();
  }

  private void startIdleCheck() {
    if (idleNanos <= 0 || idleCheck != null) {
      return;
    }
    lastReadNanos = System.nanoTime();
    idleCheck = ctx.executor().schedule(idleTask, idleNanos, TimeUnit.NANOSECONDS);
  }

  private void checkIdle() {
    if (!ctx.channel().isOpen()) {
      idleCheck = null;
      return;
    }
    long next = reading ? idleNanos : idleNanos - (System.nanoTime() - lastReadNanos);
    if (next > 0) {
      idleCheck = ctx.executor().schedule(idleTask, next, TimeUnit.NANOSECONDS);
      return;
    }
    idleCheck = ctx.executor().schedule(idleTask, idleNanos, TimeUnit.NANOSECONDS);
    IdleStateEvent event =
        firstIdle
            ? IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT
            : IdleStateEvent.READER_IDLE_STATE_EVENT;
    firstIdle = false;
    ctx.fireUserEventTriggered(event);
  }

  private void cancelChecks() {
    if (writeCheck != null) {
      writeCheck.cancel(false);
      writeCheck = null;
    }
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
  }
}
