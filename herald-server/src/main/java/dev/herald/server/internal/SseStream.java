package dev.herald.server.internal;

import dev.herald.server.EncodedEvent;
import dev.herald.server.EventStream;
import dev.herald.server.HttpStatusException;
import dev.herald.server.SlowConsumerException;
import dev.herald.sse.MessageEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE response: subscribes to the handler's publisher and writes its events to the connection
 * as the socket accepts them.
 *
 * <p>Threads: the publisher signals on any thread (serially, per Reactive Streams). Each event is
 * encoded on the signalling thread into a buffer owned by {@link #queue}; everything that touches
 * the channel runs on its event loop, in {@link #drain()}, which writes every queued buffer and
 * flushes once, so a burst of events costs one flush. Demand follows the socket: more is requested
 * only while the channel is writable and the bytes buffered for this client stay under half the
 * bound. A publisher that sends more than it was asked for, past {@code maxBufferedBytes}, gets the
 * stream cut: the client reconnects and resumes.
 *
 * <p>Buffers: a buffer in {@link #queue} is owned by the queue until {@link #drain()} hands it to
 * the channel, which releases it once written; buffers left when the stream closes are released by
 * {@link #releaseQueue()}.
 */
final class SseStream implements Flow.Subscriber<Object> {
  private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);

  /** The shortest reconnection time hinted to clients when the server stops: {@value} ms. */
  static final long MIN_STOP_RETRY_MILLIS = 1_000;

  /** The longest reconnection time hinted to clients when the server stops: {@value} ms. */
  static final long MAX_STOP_RETRY_MILLIS = 5_000;

  /** The event size the first request allows for: {@value} bytes. */
  static final int LARGE_EVENT = 256 * 1024;

  /**
   * Largest number of events requested ahead of the socket: {@value}. Large enough that a replay of
   * thousands of small events needs few refills (each crosses to the handler executor and back);
   * the byte budget in {@link #replenish} still bounds what large events may take.
   */
  static final int MAX_WINDOW = 1024;

  /**
   * What a pending event may add to the bytes counted as buffered beyond its own size: Netty's
   * outbound buffer counts each pending write with an overhead (96 bytes by default, {@code
   * io.netty.transport.outboundBufferEntrySizeOverhead}), and an event through the HTTP codec is up
   * to three writes (size line, bytes, CRLF). Negligible for large events, it dominates small ones,
   * so the window for those allows for it: {@value} bytes.
   */
  static final int PENDING_OVERHEAD = 3 * 96;

  private static final ByteBuf HEARTBEAT =
      Unpooled.unreleasableBuffer(
          Unpooled.copiedBuffer(": heartbeat\n\n", StandardCharsets.UTF_8).asReadOnly());

  private static final short CRLF = ('\r' << 8) | '\n';

  private static final VarHandle QUEUED_BYTES;
  private static final VarHandle DRAIN_SCHEDULED;
  private static final VarHandle OUTSTANDING;
  private static final VarHandle CANCELLED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED_BYTES = lookup.findVarHandle(SseStream.class, "queuedBytes", long.class);
      DRAIN_SCHEDULED = lookup.findVarHandle(SseStream.class, "drainScheduled", int.class);
      OUTSTANDING = lookup.findVarHandle(SseStream.class, "outstanding", long.class);
      CANCELLED = lookup.findVarHandle(SseStream.class, "cancelled", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final ByteBuf PRIMER =
      Unpooled.unreleasableBuffer(
          Unpooled.copiedBuffer(":\n", StandardCharsets.UTF_8).asReadOnly());

  private enum State {
    /** Subscribed; the response head is not written yet, so a failure can still be a status. */
    PENDING,
    /** The head is written; events flow. */
    OPEN,
    /** Ended, cut or closed; nothing more is written. */
    CLOSED
  }

  /** Why the server ends a stream on its own. */
  enum Stop {
    COMPLETE,
    SLOW_CONSUMER,
    IDLE,
    SERVER_STOP
  }

  private final ConnectionHandler owner;
  private final ChannelHandlerContext ctx;
  private final Channel channel;
  private final EventLoop loop;
  private final ServerContext server;
  private final String description;
  private final DemandSerializer demand;
  private @Nullable EventStream options; // until the head is written; event loop after that
  private final LongSupplier channelPending; // any thread
  private final boolean coalesce; // an HTTP/2 stream: a drain's events go out as one frame

  /**
   * On an HTTP/1.1 connection, the HTTP codec's context: events, already framed as chunks, are
   * written past the codec (and the handlers above it, which leave event streams alone), so a
   * fan-out writes the one shared chunk to every connection. Null on HTTP/2, HTTP/1.0 and with the
   * access log, which counts what passes the codec: events then go through it as {@code
   * HttpContent}.
   */
  private final @Nullable ChannelHandlerContext rawChunks;

  // Written by signalling threads, drained on the event loop.
  // Plain fields with VarHandles rather than Atomic* objects, and a linked queue rather than an
  // array-backed one: at tens of thousands of streams, every object a delivery touches is a cache
  // miss and every idle stream's footprint counts (an array-backed MPSC queue starts at ~4.7 KB).
  private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
  private volatile long queuedBytes;
  private volatile int drainScheduled; // 0 or 1
  private volatile long outstanding;
  private volatile int cancelled; // 0 or 1
  private volatile boolean anyEvent;
  // The channel's unsent bytes when its event loop last looked: enqueue() checks the bound against
  // it rather than reach into the channel from the publishing thread for every event. Only the
  // loop's own writes make it grow, and it looks right after each.
  private volatile long channelPendingSeen;
  private volatile boolean publisherTerminated; // written by the signalling thread
  private volatile Object terminal; // null, a Stop or a Throwable; first one wins

  // Event loop only.
  private State state = State.PENDING;
  private long lastEventNanos;
  private long lastWriteNanos;
  private ScheduledFuture<?> heartbeatCheck;
  private long averageEventSize;
  private ScheduledFuture<?> idleCheck;
  private volatile boolean closed;
  private final ChannelFutureListener afterWrite = future -> replenish();

  SseStream(
      ConnectionHandler owner,
      ChannelHandlerContext ctx,
      ServerContext server,
      Executor executor,
      String description,
      @Nullable EventStream options,
      HttpVersion version) {
    this.owner = owner;
    this.options = options;
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.loop = channel.eventLoop();
    this.server = server;
    this.description = description;
    this.demand = new DemandSerializer(executor);
    this.channelPending = StreamOutbound.pendingBytes(channel);
    this.coalesce = channel instanceof Http2StreamChannel;
    this.rawChunks =
        version.equals(HttpVersion.HTTP_1_1)
                && !coalesce
                && ctx.pipeline().get(PipelineInitializer.ACCESS_LOG) == null
            ? ctx.pipeline().context(HttpServerCodec.class)
            : null;
  }

  // ---- Flow.Subscriber: any thread, serially ----

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (!demand.subscription(subscription)) {
      return;
    }
    if (cancelled != 0) {
      demand.cancel();
      return;
    }
    // A few events first, as many as fit the bound even if each is large; their size then tells
    // how many more fit. More than one, so that a timer source (Flux.interval) has slack before
    // the first refill arrives.
    long first = initialDemand(server.config().maxBufferedBytes());
    outstanding = first;
    demand.requestNow(first);
  }

  @Override
  public void onNext(Object item) {
    OUTSTANDING.getAndAdd(this, -1L);
    if (terminal != null) {
      return;
    }
    ByteBuf encoded;
    try {
      if (item instanceof EncodedEvent) {
        EncodedEvent event = (EncodedEvent) item;
        encoded = rawChunks != null ? EventWire.chunk(event) : EventWire.frame(event);
      } else {
        MessageEvent event =
            item instanceof MessageEvent ? (MessageEvent) item : MessageEvent.of(item);
        String text = server.encode(event);
        encoded = rawChunks != null ? chunk(text) : ByteBufUtil.writeUtf8(channel.alloc(), text);
      }
    } catch (RuntimeException e) {
      cancelUpstream();
      terminate(e);
      return;
    }
    enqueue(encoded);
  }

  @Override
  public void onError(Throwable error) {
    publisherTerminated = true;
    terminate(error instanceof SlowConsumerException ? Stop.SLOW_CONSUMER : error);
  }

  @Override
  public void onComplete() {
    publisherTerminated = true;
    terminate(Stop.COMPLETE);
  }

  /** Returns the frame as an HTTP/1.1 chunk: size line, UTF-8 bytes, CRLF. */
  private ByteBuf chunk(String frame) {
    int size = ByteBufUtil.utf8Bytes(frame);
    String header = Integer.toHexString(size);
    ByteBuf buf = channel.alloc().buffer(header.length() + size + 4);
    buf.writeCharSequence(header, StandardCharsets.US_ASCII);
    buf.writeShort(CRLF);
    ByteBufUtil.writeUtf8(buf, frame);
    buf.writeShort(CRLF);
    return buf;
  }

  // ---- entry points from the connection ----

  /**
   * Opens the stream once the publisher's {@code subscribe} has returned. Runs on the event loop.
   */
  void open(boolean keepAlive, HttpVersion version) {
    if (!channel.isActive()) {
      close();
      return;
    }
    Object t = terminal;
    if (t instanceof Throwable && !anyEvent) {
      // Failed before its first event: still time for a real status.
      state = State.CLOSED;
      closed = true;
      owner.streamFailedBeforeOpen((Throwable) t);
      return;
    }
    HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-transform")
        .set("X-Accel-Buffering", "no");
    if (options != null) {
      for (Map.Entry<String, String> header : options.headers()) {
        head.headers().remove(header.getKey());
      }
      for (Map.Entry<String, String> header : options.headers()) {
        head.headers().add(header.getKey(), header.getValue());
      }
    }
    if (version.equals(HttpVersion.HTTP_1_1)) {
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
      if (!keepAlive) {
        head.headers().set(HttpHeaderNames.CONNECTION, "close");
      }
    } else {
      head.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    ctx.write(head, ctx.voidPromise());
    if (options != null && options.isPrimed()) {
      ctx.write(new DefaultHttpContent(PRIMER.duplicate()), ctx.voidPromise());
    }
    options = null; // read only for the head: an idle stream does not keep it
    if (server.config().retry() != null) {
      MessageEvent retry = MessageEvent.builder().retry(server.config().retry()).build();
      ctx.write(
          new DefaultHttpContent(ByteBufUtil.writeUtf8(channel.alloc(), server.encode(retry))),
          ctx.voidPromise());
    }
    state = State.OPEN;
    server.streamOpened();
    lastEventNanos = System.nanoTime();
    lastWriteNanos = lastEventNanos;
    scheduleIdleCheck(server.config().streamIdleTimeout().toNanos());
    scheduleHeartbeat(server.config().heartbeat().toNanos());
    drain();
    ctx.flush();
  }

  /**
   * Writes a heartbeat comment whenever nothing was written for the heartbeat interval, and checks
   * again when the next one could be due. A timer per stream rather than Netty's {@code
   * IdleStateHandler}, which would put a listener on every write. Runs on the event loop.
   */
  private void scheduleHeartbeat(long intervalNanos) {
    if (intervalNanos <= 0 || state != State.OPEN) {
      return;
    }
    long quiet = System.nanoTime() - lastWriteNanos;
    if (quiet >= intervalNanos) {
      ctx.writeAndFlush(new DefaultHttpContent(HEARTBEAT.duplicate()), ctx.voidPromise());
      lastWriteNanos = System.nanoTime();
      quiet = 0;
    }
    heartbeatCheck =
        loop.schedule(
            () -> scheduleHeartbeat(intervalNanos), intervalNanos - quiet, TimeUnit.NANOSECONDS);
  }

  /**
   * Ends the stream because the server stops. Runs on the event loop, and writes the last frame at
   * once: an HTTP/2 connection sends {@code GOAWAY} right after, and some clients (the JDK's before
   * Java 24) drop their streams when it arrives.
   */
  void stop() {
    cancelUpstream();
    terminate(Stop.SERVER_STOP);
    drain();
  }

  /** Releases everything once the connection has closed. Runs on the event loop. */
  void close() {
    if (state != State.CLOSED) {
      if (state == State.OPEN) {
        server.streamClosed();
      }
      state = State.CLOSED;
      closed = true;
    }
    cancelUpstream();
    if (idleCheck != null) {
      idleCheck.cancel(false);
    }
    if (heartbeatCheck != null) {
      heartbeatCheck.cancel(false);
    }
    releaseQueue();
  }

  // ---- internals ----

  private void enqueue(ByteBuf encoded) {
    int size = encoded.readableBytes();
    long buffered = queuedBytes + channelPendingSeen;
    if (buffered > 0 && buffered + size > server.config().maxBufferedBytes()) {
      encoded.release();
      cancelUpstream();
      terminate(Stop.SLOW_CONSUMER);
      return;
    }
    QUEUED_BYTES.getAndAdd(this, (long) size);
    queue.add(encoded);
    if (!anyEvent) {
      anyEvent = true;
    }
    scheduleDrain();
  }

  /** Returns the bytes the channel has not sent yet, and keeps them for {@link #enqueue}. */
  private long channelPendingBytes() {
    long pending = channelPending.getAsLong();
    channelPendingSeen = pending;
    return pending;
  }

  /**
   * Counts bytes drained from the queue as the channel's, once the channel holds them: the sum
   * {@link #enqueue} checks never misses bytes on their way from one to the other.
   */
  private void handedToChannel(long bytes) {
    if (bytes > 0) {
      channelPendingBytes();
      QUEUED_BYTES.getAndAdd(this, -bytes);
    }
  }

  private void terminate(Object reason) {
    if (terminal == null) {
      synchronized (this) {
        if (terminal == null) {
          terminal = reason;
        }
      }
    }
    scheduleDrain();
  }

  private void cancelUpstream() {
    // A publisher that has terminated is not cancelled as well: its cleanup already ran, once.
    if (!publisherTerminated && CANCELLED.compareAndSet(this, 0, 1)) {
      demand.cancel();
    }
  }

  private void scheduleDrain() {
    if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
      try {
        loop.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The event loop is gone with the server: nothing will be written any more.
        cancelUpstream();
        releaseQueue();
      }
    }
  }

  /** Writes what is queued, or finishes the stream. Runs on the event loop. */
  private void drain() {
    drainScheduled = 0;
    if (state == State.PENDING) {
      return; // open() drains once the head is out
    }
    if (state == State.CLOSED) {
      releaseQueue();
      return;
    }
    if (rawChunks != null) {
      drainChunks(rawChunks);
      return;
    }
    ByteBuf buf;
    ByteBuf last = null;
    CompositeByteBuf batch = null;
    long drained = 0;
    while ((buf = queue.poll()) != null) {
      int size = buf.readableBytes();
      drained += size;
      averageEventSize = averageEventSize == 0 ? size : (averageEventSize * 7 + size) / 8;
      if (last == null) {
        last = buf;
      } else if (coalesce) {
        // HTTP/2: one DATA frame per drain, not a frame (and a promise) per event.
        if (batch == null) {
          batch = channel.alloc().compositeBuffer(MAX_WINDOW);
          batch.addComponent(true, last);
          last = batch;
        }
        batch.addComponent(true, buf);
      } else {
        ctx.write(new DefaultHttpContent(last), ctx.voidPromise());
        last = buf;
      }
    }
    Object t = terminal;
    if (last != null) {
      lastEventNanos = System.nanoTime();
      lastWriteNanos = lastEventNanos;
      if (t == null) {
        // When the socket has taken the last of these bytes, there is room to ask for more.
        ctx.write(new DefaultHttpContent(last)).addListener(afterWrite);
      } else {
        ctx.write(new DefaultHttpContent(last), ctx.voidPromise());
      }
    }
    handedToChannel(drained);
    if (t != null && queue.isEmpty()) {
      finish(t);
      return;
    }
    if (last != null) {
      ctx.flush();
    }
    replenish();
  }

  /**
   * Writes the queued chunks past the HTTP codec and flushes once. A promise per write would cost
   * more than the write: only when the socket did not take everything is a listener attached, to an
   * empty write behind the rest, so that demand resumes once the client has read.
   */
  private void drainChunks(ChannelHandlerContext raw) {
    ByteBuf buf;
    long drained = 0;
    while ((buf = queue.poll()) != null) {
      int size = buf.readableBytes();
      drained += size;
      averageEventSize = averageEventSize == 0 ? size : (averageEventSize * 7 + size) / 8;
      raw.write(buf, raw.voidPromise());
    }
    boolean wrote = drained > 0;
    handedToChannel(drained);
    Object t = terminal;
    if (t != null && queue.isEmpty()) {
      finish(t);
      return;
    }
    if (wrote) {
      lastEventNanos = System.nanoTime();
      lastWriteNanos = lastEventNanos;
      raw.flush(); // the handlers above the codec hold nothing of a stream's
      if (t == null && channelPendingBytes() > 0) {
        raw.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(afterWrite);
      }
    }
    replenish();
  }

  /** Returns the first request: one event per {@value #LARGE_EVENT} bytes of the bound, 1 to 4. */
  static long initialDemand(int maxBufferedBytes) {
    return Math.max(1, Math.min(4, maxBufferedBytes / LARGE_EVENT));
  }

  /**
   * Requests more events while the socket keeps up: at most {@link #MAX_WINDOW} ahead, and only as
   * many as fit in half the buffer bound at the average event size seen so far plus {@link
   * #PENDING_OVERHEAD}; a few (see {@link #initialDemand}) until the first event shows how large
   * they are. Runs on the event loop, after each drain, each completed write and each change of
   * writability.
   */
  private void replenish() {
    if (cancelled != 0 || terminal != null || state != State.OPEN || !channel.isWritable()) {
      return;
    }
    long outstandingNow = outstanding;
    long window;
    if (averageEventSize == 0) {
      window = initialDemand(server.config().maxBufferedBytes());
    } else {
      long budget = server.config().maxBufferedBytes() / 2 - queuedBytes - channelPendingBytes();
      window = Math.min(MAX_WINDOW, budget / (averageEventSize + PENDING_OVERHEAD));
    }
    if (window <= 0 || outstandingNow > window / 2) {
      return;
    }
    long more = window - outstandingNow;
    OUTSTANDING.getAndAdd(this, more);
    demand.requestLater(more);
  }

  /** Called when the channel's writability changes. Runs on the event loop. */
  void writabilityChanged() {
    if (state == State.OPEN && channel.isWritable()) {
      replenish();
    }
  }

  private void finish(Object reason) {
    state = State.CLOSED;
    closed = true;
    server.streamClosed();
    if (idleCheck != null) {
      idleCheck.cancel(false);
    }
    if (heartbeatCheck != null) {
      heartbeatCheck.cancel(false);
    }
    if (reason == Stop.SLOW_CONSUMER) {
      LOG.info(
          "slow consumer cut: {} from {} (more than {} bytes buffered)",
          description,
          channel.remoteAddress(),
          server.config().maxBufferedBytes());
      server.slowConsumerCut();
      releaseQueue();
      channel.close();
      return;
    }
    if (reason instanceof Throwable) {
      ctx.write(new DefaultHttpContent(errorFrame((Throwable) reason)), ctx.voidPromise());
    } else if (reason == Stop.SERVER_STOP) {
      ctx.write(new DefaultHttpContent(stopFrame()), ctx.voidPromise());
    }
    boolean closeAfter =
        reason == Stop.SERVER_STOP || reason instanceof Throwable || !owner.keepAlive();
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
        .addListener(
            closeAfter ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    owner.streamEnded(closeAfter);
  }

  /**
   * Returns the last frame of a stream the server ends because it stops: a {@code retry:} hint
   * between {@link #MIN_STOP_RETRY_MILLIS} and {@link #MAX_STOP_RETRY_MILLIS}, chosen at random so
   * that the clients of a restarting server do not all reconnect at the same moment.
   */
  private ByteBuf stopFrame() {
    long millis =
        ThreadLocalRandom.current().nextLong(MIN_STOP_RETRY_MILLIS, MAX_STOP_RETRY_MILLIS + 1);
    MessageEvent frame = MessageEvent.builder().retry(Duration.ofMillis(millis)).build();
    return ByteBufUtil.writeUtf8(channel.alloc(), server.encode(frame));
  }

  private ByteBuf errorFrame(Throwable error) {
    String message;
    if (error instanceof HttpStatusException) {
      message = error.getMessage();
      LOG.debug("{}: stream ended with {}", description, error.toString());
    } else {
      message = "internal error";
      LOG.warn("{}: publisher failed after the stream opened", description, error);
    }
    MessageEvent frame =
        MessageEvent.builder().type("error").data(message == null ? "" : message).build();
    return ByteBufUtil.writeUtf8(channel.alloc(), server.encode(frame));
  }

  private void scheduleIdleCheck(long timeoutNanos) {
    if (timeoutNanos <= 0 || state != State.OPEN) {
      return;
    }
    long idle = System.nanoTime() - lastEventNanos;
    if (idle >= timeoutNanos) {
      cancelUpstream();
      terminate(Stop.IDLE);
      return;
    }
    idleCheck =
        loop.schedule(
            () -> scheduleIdleCheck(timeoutNanos), timeoutNanos - idle, TimeUnit.NANOSECONDS);
  }

  private void releaseQueue() {
    ByteBuf buf;
    while ((buf = queue.poll()) != null) {
      QUEUED_BYTES.getAndAdd(this, (long) -buf.readableBytes());
      buf.release();
    }
  }

  /** Returns whether the stream has ended; safe from any thread. */
  boolean isClosed() {
    return closed;
  }
}
