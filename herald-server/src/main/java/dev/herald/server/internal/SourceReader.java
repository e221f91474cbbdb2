package dev.herald.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a blocking source (an {@code InputStream}, or a file region) on the handler executor, one
 * chunk of at most {@link #CHUNK_SIZE} bytes at a time, when its {@link BodyWriter} asks: reads
 * never run on an event loop, and at most one is in progress.
 *
 * <p>Threads: {@link #request()} and {@link #cancel()} come from the event loop, reads run on the
 * handler executor; {@link #reading}, {@link #cancelled} and {@link #ended} are guarded by this
 * object's lock, and a chunk is handed to the writer under it, so the next read cannot start before
 * the previous chunk is queued. The source is closed once: at its end, on a read error, or on
 * cancel — at once if no read is in progress, otherwise when that read returns (a stream is never
 * closed while another thread reads it).
 */
final class SourceReader implements BodyWriter.Producer {
  private static final Logger LOG = LoggerFactory.getLogger(SourceReader.class);

  /** Largest chunk read at a time: {@value} bytes. */
  static final int CHUNK_SIZE = 64 * 1024;

  /** How long to wait before asking a saturated handler executor again. */
  private static final long RETRY_MILLIS = 10;

  /** A blocking source of bytes. */
  interface Source extends Closeable {
    /** Reads at most {@code max} bytes into the buffer; returns how many, or -1 at the end. */
    int read(ByteBuf into, int max) throws IOException;

    /** Returns a buffer to read into: direct for a channel, on the heap for a stream's arrays. */
    ByteBuf allocate(ByteBufAllocator alloc, int capacity);
  }

  private final Source source;
  private final BodyWriter writer;
  private final Executor executor;
  private final EventLoop loop;
  private final ByteBufAllocator alloc;
  private final AtomicBoolean closed = new AtomicBoolean();

  private long remaining; // -1 if unknown; only the thread of the read in progress touches it

  // Guarded by this.
  private boolean reading;
  private boolean cancelled;
  private boolean ended;

  SourceReader(
      Source source,
      long length,
      BodyWriter writer,
      Executor executor,
      EventLoop loop,
      ByteBufAllocator alloc) {
    this.source = source;
    this.remaining = length;
    this.writer = writer;
    this.executor = executor;
    this.loop = loop;
    this.alloc = alloc;
  }

  /** Returns the stream as a source; a read takes whatever is available after the first byte. */
  static Source stream(InputStream in) {
    return new Source() {
      @Override
      public int read(ByteBuf into, int max) throws IOException {
        int total = into.writeBytes(in, max);
        if (total <= 0) {
          return total;
        }
        while (total < max && in.available() > 0) {
          int n = into.writeBytes(in, max - total);
          if (n <= 0) {
            break; // the end is reported by the next read
          }
          total += n;
        }
        return total;
      }

      @Override
      public ByteBuf allocate(ByteBufAllocator alloc, int capacity) {
        return alloc.heapBuffer(capacity);
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  /** Returns the file from {@code position} on as a source. */
  static Source file(FileChannel file, long position) {
    return new Source() {
      private long next = position;

      @Override
      public int read(ByteBuf into, int max) throws IOException {
        int n = into.writeBytes(file, next, max);
        if (n > 0) {
          next += n;
        }
        return n;
      }

      @Override
      public ByteBuf allocate(ByteBufAllocator alloc, int capacity) {
        return alloc.directBuffer(capacity);
      }

      @Override
      public void close() throws IOException {
        file.close();
      }
    };
  }

  @Override
  public void request() {
    synchronized (this) {
      if (reading || cancelled || ended) {
        return;
      }
      reading = true;
    }
    try {
      executor.execute(this::readChunk);
    } catch (RejectedExecutionException e) {
      // Every handler thread is busy: try again shortly rather than read on the event loop.
      synchronized (this) {
        reading = false;
      }
      try {
        loop.schedule(this::request, RETRY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException gone) {
        cancel();
      }
    }
  }

  @Override
  public void cancel() {
    boolean closeNow;
    synchronized (this) {
      cancelled = true;
      closeNow = !reading;
    }
    if (closeNow) {
      try {
        executor.execute(this::closeSource);
      } catch (RejectedExecutionException e) {
        closeSource();
      }
    }
  }

  /** Reads one chunk and hands it to the writer. Runs on the handler executor. */
  private void readChunk() {
    int max = remaining < 0 ? CHUNK_SIZE : (int) Math.min(CHUNK_SIZE, remaining);
    ByteBuf buf = source.allocate(alloc, Math.max(max, 1));
    int n;
    try {
      n = isCancelled() ? 0 : max == 0 ? -1 : source.read(buf, max);
    } catch (Throwable e) {
      buf.release();
      end();
      writer.onError(e);
      return;
    }
    if (n < 0) {
      buf.release();
      end();
      writer.onEnd();
      return;
    }
    if (remaining > 0) {
      remaining -= n;
    }
    boolean last = remaining == 0;
    boolean close;
    synchronized (this) {
      reading = false;
      close = cancelled;
      if (!close) {
        writer.onData(buf); // under the lock: no next read before this chunk is queued
      }
      if (last) {
        ended = true;
      }
    }
    if (close) {
      buf.release();
      closeSource();
    } else if (last) {
      closeSource();
      writer.onEnd();
    }
  }

  private synchronized boolean isCancelled() {
    return cancelled;
  }

  private void end() {
    synchronized (this) {
      ended = true;
      reading = false;
    }
    closeSource();
  }

  private void closeSource() {
    if (closed.compareAndSet(false, true)) {
      try {
        source.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing a download source failed", e);
      }
    }
  }
}
