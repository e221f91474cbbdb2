package dev.herald.hub.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.h2.store.fs.FileBaseDefault;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;
import org.h2.store.fs.FileUtils;

/**
 * Gives MVStore files that a thread interrupt cannot close. A plain {@link FileChannel} closes
 * itself for every thread when one thread is interrupted during (or before) a read or write, which
 * would break the history for the whole hub because one publisher or subscriber thread was
 * interrupted. These files do their I/O through an {@link AsynchronousFileChannel} and wait for it
 * uninterruptibly, restoring the interrupt afterwards (the approach of H2's own {@code async:} file
 * system, which the {@code h2-mvstore} artifact does not include).
 *
 * <p>Used through the file name prefix {@value #SCHEME}{@code :}; {@link #register()} makes the
 * prefix known to H2. Public with a public constructor only because H2 creates instances by
 * reflection.
 */
public final class UninterruptibleFilePath extends FilePathWrapper {
  /** The scheme that selects this file system in an MVStore file name. */
  public static final String SCHEME = "herald-uninterruptible";

  /** Creates the file system; H2 calls it by reflection. */
  public UninterruptibleFilePath() {}

  /** Makes the {@value #SCHEME} prefix known to H2; calling it again does nothing more. */
  static void register() {
    FilePath.register(new UninterruptibleFilePath());
  }

  /** Returns the MVStore file name that opens {@code file} through this file system. */
  static String fileName(Path file) {
    return SCHEME + ":" + file.toAbsolutePath();
  }

  /** {@inheritDoc} */
  @Override
  public FileChannel open(String mode) throws IOException {
    return new UninterruptibleFile(name.substring(SCHEME.length() + 1), mode);
  }

  /** {@inheritDoc} */
  @Override
  public String getScheme() {
    return SCHEME;
  }

  private static final class UninterruptibleFile extends FileBaseDefault {
    private final String name;
    private final AsynchronousFileChannel channel;

    UninterruptibleFile(String name, String mode) throws IOException {
      this.name = name;
      this.channel =
          AsynchronousFileChannel.open(
              Path.of(name), FileUtils.modeToOptions(mode), null, FileUtils.NO_ATTRIBUTES);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return await(channel.read(dst, position));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return await(channel.write(src, position));
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    protected void implTruncate(long newLength) throws IOException {
      channel.truncate(newLength);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      channel.force(metaData);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return channel.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      channel.close();
    }

    @Override
    public String toString() {
      return SCHEME + ":" + name;
    }

    private static <T> T await(Future<T> future) throws IOException {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return future.get();
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException
                ? (IOException) e.getCause()
                : new IOException(e.getCause());
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
