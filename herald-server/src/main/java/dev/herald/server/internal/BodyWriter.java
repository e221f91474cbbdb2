package dev.herald.server.internal;

import dev.herald.server.HttpStatusException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a streamed download body (an {@code InputStream}, a publisher, or a file that cannot go
 * out zero-copy) to the connection as the socket takes it.
 *
 * <p>Threads: a {@link Producer} hands over buffers from its own thread ({@link #onData}, then
 * {@link #onEnd} or {@link #onError}); everything that touches the channel runs on its event loop
 * in {@link #drain()}, which writes what is queued and flushes once. The writer asks the producer
 * for more ({@link Producer#request()}) after each drain while the channel is writable, and when
 * the last write of a drain completes, so at most about the channel's high water mark plus what the
 * producer has in flight waits in memory, whatever the size of the download.
 *
 * <p>The response head waits for the first byte or the end: a source that fails before either
 * becomes a status response ({@link ConnectionHandler#streamFailedBeforeOpen}). A failure after the
 * head, a source longer or shorter than the declared length, or a client that goes away closes the
 * connection without the last chunk (or short of {@code Content-Length}), so the client sees a
 * failed download; the producer is cancelled once.
 *
 * <p>Buffers: a buffer handed to {@link #onData} belongs to the writer; it is written (and released
 * by the channel) or released by the writer.
 */
final class BodyWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BodyWriter.class);

  /** Produces the bytes of a body; the writer asks for more as the socket takes them. */
  interface Producer {
    /** Produces more, unless it is producing already. Runs on the event loop. */
    void request();

    /**
     * Stops producing and closes the source, at once or when the read in progress returns. Any
     * thread; the writer calls it at most once, and not after {@link #onEnd} or {@link #onError}.
     */
    void cancel();
  }

  private enum State {
    /** Created; {@link #start()} has not run, so nothing is written. */
    PENDING,
    /** Started; the head is written with the first byte or the end. */
    OPEN,
    /** Ended, aborted, or the connection closed; nothing more is written. */
    CLOSED
  }

  private static final Object END = new Object();

  private final ConnectionHandler owner;
  private final ChannelHandlerContext ctx;
  private final Channel channel;
  private final HttpResponse head;
  private final long length;
  private final String description;
  private final LongSupplier channelPending; // any thread
  private Producer producer; // set once, before start()

  // Written by the producer's threads, drained on the event loop.
  private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicReference<Object> terminal = new AtomicReference<>(); // END or a Throwable
  private final AtomicBoolean producerStopped = new AtomicBoolean();

  // Event loop only.
  private State state = State.PENDING;
  private boolean headWritten;
  private boolean closeAfter;
  private long written;
  // Netty completes a write's promise before it counts the bytes out of the channel, so the
  // channel may still look unwritable here; but everything written before is out, so ask anyway.
  private final ChannelFutureListener afterWrite =
      future -> {
        if (future.isSuccess() && state == State.OPEN && terminal.get() == null) {
          producer.request();
        }
      };
  private final ChannelFutureListener onClose = future -> clientGone();

  /**
   * Creates a writer of a body of {@code length} bytes ({@code -1} if unknown) after the given
   * head, which must already carry its framing headers ({@code Content-Length} or chunked).
   */
  BodyWriter(
      ConnectionHandler owner,
      ChannelHandlerContext ctx,
      HttpResponse head,
      long length,
      String description) {
    this.owner = owner;
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.head = head;
    this.length = length;
    this.description = description;
    this.channelPending = StreamOutbound.pendingBytes(channel);
  }

  /** Sets the producer; called once, before {@link #start()}. */
  void producer(Producer producer) {
    this.producer = producer;
  }

  // ---- producer side: any thread, serially ----

  /** Queues the buffer to be written; takes ownership of it. An empty buffer only asks for more. */
  void onData(ByteBuf buf) {
    if (buf.isReadable()) {
      queuedBytes.addAndGet(buf.readableBytes());
      queue.add(buf);
    } else {
      buf.release();
    }
    scheduleDrain();
  }

  /** Ends the body once what is queued is written. */
  void onEnd() {
    producerStopped.set(true);
    terminate(END);
  }

  /** Fails the download: a status response if nothing was sent yet, otherwise an abort. */
  void onError(Throwable error) {
    producerStopped.set(true);
    terminate(error);
  }

  /** Returns the bytes queued here and waiting in the channel: what this download holds. */
  long bufferedBytes() {
    return queuedBytes.get() + channelPending.getAsLong();
  }

  // ---- event loop ----

  /** Starts writing; the head goes out with the first byte or the end. Runs on the event loop. */
  void start() {
    if (!channel.isActive()) {
      state = State.CLOSED;
      stopProducer();
      releaseQueue();
      return;
    }
    closeAfter = FileResponder.connectionHeaders(head, owner.keepAlive(), length >= 0);
    state = State.OPEN;
    channel.closeFuture().addListener(onClose);
    producer.request();
    drain();
  }

  /** Releases everything when the event loop is gone and {@link #start()} will never run. */
  void abandon() {
    state = State.CLOSED;
    stopProducer();
    releaseQueue();
  }

  private void drain() {
    drainScheduled.set(false);
    if (state == State.PENDING) {
      return; // start() drains
    }
    if (state == State.CLOSED) {
      releaseQueue();
      return;
    }
    Object t = terminal.get();
    if (!headWritten && queue.isEmpty()) {
      if (t == null) {
        requestMore(); // an empty buffer arrived: nothing to write yet, but ask for more
        return;
      }
      if (t instanceof Throwable || length > 0) {
        failBeforeHead(
            t instanceof Throwable
                ? (Throwable) t
                : new IOException("source ended before its first byte (declared: " + length + ")"));
        return;
      }
    }
    if (!headWritten) {
      ctx.write(head);
      headWritten = true;
    }
    ChannelFuture last = writeQueued();
    if (state == State.CLOSED) {
      return; // writeQueued() aborted
    }
    t = terminal.get();
    if (t != null && queue.isEmpty()) {
      finish(t);
      return;
    }
    ctx.flush();
    if (last != null) {
      last.addListener(afterWrite);
    }
    requestMore();
  }

  private ChannelFuture writeQueued() {
    ChannelFuture last = null;
    ByteBuf buf;
    while ((buf = queue.poll()) != null) {
      int size = buf.readableBytes();
      queuedBytes.addAndGet(-size);
      written += size;
      if (length >= 0 && written > length) {
        buf.release();
        LOG.warn(
            "{}: the source produced more than its declared length of {} bytes; connection aborted",
            description,
            length);
        abort();
        return null;
      }
      last = ctx.write(new DefaultHttpContent(buf));
    }
    return last;
  }

  private void requestMore() {
    if (state == State.OPEN && terminal.get() == null && channel.isWritable()) {
      producer.request();
    }
  }

  private void finish(Object reason) {
    if (reason instanceof Throwable) {
      Throwable error = (Throwable) reason;
      if (error instanceof HttpStatusException) {
        LOG.debug("{}: download failed after {} bytes: {}", description, written, error.toString());
      } else {
        LOG.warn(
            "{}: download failed after {} bytes; connection aborted", description, written, error);
      }
      abort();
      return;
    }
    if (length >= 0 && written != length) {
      LOG.warn(
          "{}: the source ended after {} of its declared {} bytes; connection aborted",
          description,
          written,
          length);
      abort();
      return;
    }
    state = State.CLOSED;
    channel.closeFuture().removeListener(onClose);
    boolean close = closeAfter;
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (!future.isSuccess()) {
                    channel.close();
                    return;
                  }
                  owner.streamEnded(close);
                  if (close) {
                    channel.close();
                  }
                });
  }

  private void failBeforeHead(Throwable error) {
    state = State.CLOSED;
    channel.closeFuture().removeListener(onClose);
    stopProducer();
    releaseQueue();
    owner.streamFailedBeforeOpen(error);
  }

  /** Closes the connection without ending the body, so the client sees a failed download. */
  private void abort() {
    state = State.CLOSED;
    channel.closeFuture().removeListener(onClose);
    stopProducer();
    releaseQueue();
    channel.close();
  }

  private void clientGone() {
    if (state != State.CLOSED) {
      LOG.debug("{}: the client went away after {} bytes", description, written);
      state = State.CLOSED;
      stopProducer();
      releaseQueue();
    }
  }

  private void stopProducer() {
    // A producer that ended on its own has closed its source already.
    if (producerStopped.compareAndSet(false, true) && producer != null) {
      producer.cancel();
    }
  }

  private void terminate(Object reason) {
    terminal.compareAndSet(null, reason);
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The event loop is gone with the server: nothing will be written any more.
        stopProducer();
        releaseQueue();
      }
    }
  }

  private void releaseQueue() {
    ByteBuf buf;
    while ((buf = queue.poll()) != null) {
      queuedBytes.addAndGet(-buf.readableBytes());
      buf.release();
    }
  }
}
