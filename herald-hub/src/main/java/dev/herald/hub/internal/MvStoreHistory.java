package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.hub.Update;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.jspecify.annotations.Nullable;

/**
 * Holds the history durably in an H2 MVStore file, {@value #FILE_NAME}, with three maps: {@code
 * entries} (sequence → entry in {@link EntryCodec}'s format), {@code ids} (id → newest sequence
 * held with it) and {@code meta} (format, last sequence, last id). The entries held have contiguous
 * sequences.
 *
 * <p>Durability: the store is opened with auto-commit disabled, so MVStore runs no background
 * writer; every {@link #append} puts the entry, its id mapping, the new last sequence and the
 * removal of trimmed entries, then commits them together, which writes a new chunk to the file
 * ({@code pwrite}) in the calling thread before {@code append} returns. A commit is atomic: a
 * process killed in the middle of one leaves a torn chunk that the next open ignores, and the file
 * opens at the last completed commit. Nothing is forced to the device; see {@link
 * History#onDisk(Path, int, Duration, Clock)} for what a power loss can do.
 *
 * <p>Space: each commit writes at least one 4 KiB block (about 10 KiB for small updates). The
 * retention time is 0, so the space of chunks left without live data is reused a few commits later,
 * and the file stays proportional to what is held (about 5 MiB for 1,000 entries of 300 bytes)
 * rather than to the publishing rate; with MVStore's default of 45 s, 1,000 appends per second
 * would keep over 400 MiB of dead chunks.
 *
 * <p>Interrupts: the file is accessed through {@link UninterruptibleFilePath}, so an interrupted
 * publisher or subscriber thread neither fails nor breaks the history; its interrupt status is
 * kept.
 *
 * <p>Thread-safety: appends and {@link #close} are serialised by a lock. Reads take no lock:
 * MVStore maps are copy-on-write trees that readers traverse without blocking the writer; a read
 * pins the store version it started on, so that no chunk it may still need is reused under it. A
 * reader sees an entry only once its commit has completed, because reads stop at the last committed
 * sequence, published through a volatile field after the commit.
 *
 * <p>Reads see the maps live, so while an append is in progress they may already miss the entries
 * it trims, and {@link #sequenceOf} returns -1 for an id that the appended update repeats (its
 * mapping already points to the uncommitted entry); both are states the history reaches an instant
 * later anyway.
 *
 * <p>Expired entries are skipped by reads (found by binary search, publication times being ordered)
 * and removed from the file by the next append, so reads never write.
 */
public final class MvStoreHistory implements History {
  /** The name of the history file inside the history directory. */
  public static final String FILE_NAME = "history.mv.db";

  // Small pages: every commit rewrites the leaf it appends to and the leaf it trims from, so the
  // page size is most of the bytes written per append (about 10 KiB with these, 30 KiB with
  // MVStore's defaults).
  private static final int PAGE_SPLIT_SIZE = 4 * 1024;
  private static final int KEYS_PER_PAGE = 16;

  static {
    UninterruptibleFilePath.register();
  }

  private static final String FORMAT = "1";
  private static final String META_FORMAT = "format";
  private static final String META_LAST_SEQUENCE = "lastSequence";
  private static final String META_LAST_ID = "lastId";

  private final Path file;
  private final HistoryBounds bounds;
  private final Clock clock;
  private final MVStore store;
  private final MVMap<Long, byte[]> entries;
  private final MVMap<String, Long> ids;
  private final MVMap<String, String> meta;
  private final ReentrantLock writeLock = new ReentrantLock();

  // Written under writeLock after a commit; read by any thread without a lock.
  private volatile Tail tail;
  private volatile boolean closed;
  // Only under writeLock.
  private Instant lastPublishedAt;

  /** The last update appended and committed: what readers may see. */
  private record Tail(long sequence, @Nullable String id) {}

  private MvStoreHistory(Path file, HistoryBounds bounds, Clock clock, MVStore store) {
    this.file = file;
    this.bounds = bounds;
    this.clock = clock;
    this.store = store;
    this.entries =
        store.openMap(
            "entries",
            new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
    this.ids =
        store.openMap(
            "ids",
            new MVMap.Builder<String, Long>()
                .keyType(StringDataType.INSTANCE)
                .valueType(LongDataType.INSTANCE));
    this.meta =
        store.openMap(
            "meta",
            new MVMap.Builder<String, String>()
                .keyType(StringDataType.INSTANCE)
                .valueType(StringDataType.INSTANCE));
    String format = meta.putIfAbsent(META_FORMAT, FORMAT);
    if (format != null && !format.equals(FORMAT)) {
      throw new IllegalStateException(
          "history file format " + format + " (expected: " + FORMAT + "): " + file);
    }
    Long lastKey = entries.lastKey();
    long last = Math.max(parseSequence(meta.get(META_LAST_SEQUENCE)), orZero(lastKey));
    this.tail = new Tail(last, meta.get(META_LAST_ID));
    this.lastPublishedAt =
        lastKey == null ? Instant.MIN : EntryCodec.publishedAt(lastKey, entries.get(lastKey));
  }

  /**
   * Opens the history in {@code directory}; see {@link History#onDisk(Path, int, Duration, Clock)}.
   *
   * @throws IllegalArgumentException if {@code maxSize} or {@code maxAge} is negative
   * @throws IllegalStateException if the directory cannot be created, is in use, is not writable,
   *     or the file is not a readable history
   */
  public static MvStoreHistory open(Path directory, int maxSize, Duration maxAge, Clock clock) {
    Objects.requireNonNull(directory, "directory");
    HistoryBounds bounds = new HistoryBounds(maxSize, maxAge);
    Objects.requireNonNull(clock, "clock");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new IllegalStateException(
          "history directory cannot be created: " + directory + " (" + e + ")", e);
    }
    if (!Files.isWritable(directory)) {
      throw new IllegalStateException("history directory not writable: " + directory);
    }
    Path file = directory.resolve(FILE_NAME);
    MVStore store;
    try {
      store =
          new MVStore.Builder()
              .fileName(UninterruptibleFilePath.fileName(file))
              .autoCommitDisabled()
              .pageSplitSize(PAGE_SPLIT_SIZE)
              .keysPerPage(KEYS_PER_PAGE)
              .open();
    } catch (MVStoreException e) {
      throw openFailure(directory, file, e);
    }
    try {
      if (store.isReadOnly()) {
        // MVStore silently opens a file it may not write read-only.
        throw new IllegalStateException("history file not writable: " + file);
      }
      store.setRetentionTime(0);
      MvStoreHistory history = new MvStoreHistory(file, bounds, clock, store);
      history.applyBoundsOnOpen();
      return history;
    } catch (RuntimeException e) {
      store.closeImmediately();
      throw e instanceof MVStoreException ? openFailure(directory, file, (MVStoreException) e) : e;
    }
  }

  /** {@inheritDoc} */
  @Override
  public long append(Update update) {
    String id = HistoryBounds.requireId(update);
    writeLock.lock();
    try {
      checkOpen();
      Instant now = HistoryBounds.notBefore(clock.instant(), lastPublishedAt);
      long sequence = tail.sequence() + 1;
      byte[] bytes = EntryCodec.encode(new History.Entry(sequence, update, now));
      try {
        if (bounds.maxSize() > 0) {
          entries.put(sequence, bytes);
          ids.put(id, sequence);
        }
        meta.put(META_LAST_SEQUENCE, Long.toString(sequence));
        meta.put(META_LAST_ID, id);
        trim(now);
        store.commit();
      } catch (MVStoreException e) {
        throw writeFailure(e);
      }
      lastPublishedAt = now;
      tail = new Tail(sequence, id);
      return sequence;
    } finally {
      writeLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public long sequenceOf(String id) {
    Objects.requireNonNull(id, "id");
    return read(
        () -> {
          Long sequence = ids.get(id);
          if (sequence == null || sequence > tail.sequence()) {
            return -1L; // unknown, or its append has not committed yet
          }
          byte[] bytes = entries.get(sequence);
          if (bytes == null || isExpired(sequence, bytes, clock.instant())) {
            return -1L;
          }
          return sequence;
        });
  }

  /** {@inheritDoc} */
  @Override
  public List<History.Entry> readAfter(long afterSequence, int max) {
    HistoryBounds.checkReadArguments(afterSequence, max);
    return read(
        () -> {
          long last = tail.sequence();
          if (max == 0 || afterSequence >= last) {
            return List.of();
          }
          long from = Math.max(afterSequence + 1, firstHeld(last, clock.instant()));
          if (from > last) {
            return List.of();
          }
          List<History.Entry> out = new ArrayList<>((int) Math.min(max, last - from + 1));
          Cursor<Long, byte[]> cursor = entries.cursor(from, last, false);
          while (out.size() < max && cursor.hasNext()) {
            long sequence = cursor.next();
            out.add(EntryCodec.decode(sequence, cursor.getValue()));
          }
          return List.copyOf(out);
        });
  }

  /** {@inheritDoc} */
  @Override
  public long lastSequence() {
    checkOpen();
    return tail.sequence();
  }

  /** {@inheritDoc} */
  @Override
  public @Nullable String lastId() {
    checkOpen();
    return tail.id();
  }

  /** {@inheritDoc} */
  @Override
  public long firstSequence() {
    return read(() -> firstHeld(tail.sequence(), clock.instant()));
  }

  /** {@inheritDoc} */
  @Override
  public int size() {
    return read(
        () -> {
          long last = tail.sequence();
          return (int) (last - firstHeld(last, clock.instant()) + 1);
        });
  }

  /** {@inheritDoc} */
  @Override
  public void close() {
    writeLock.lock();
    try {
      if (!closed) {
        closed = true;
        store.close();
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "MvStoreHistory{file="
        + file
        + ", maxSize="
        + bounds.maxSize()
        + ", maxAge="
        + bounds.maxAge()
        + "}";
  }

  /**
   * Runs a read with the store's current version pinned: with a retention time of 0, MVStore would
   * otherwise reuse the space of chunks that died a few commits ago, which a slow reader of an
   * older root might still need.
   */
  private <T> T read(Supplier<T> action) {
    checkOpen();
    MVStore.TxCounter pin = store.registerVersionUsage();
    try {
      return action.get();
    } catch (MVStoreException e) {
      throw readFailure(e);
    } finally {
      store.deregisterVersionUsage(pin);
    }
  }

  /**
   * Returns the first sequence held and not expired at {@code now}, at most {@code last + 1}. The
   * held sequences are contiguous and their publication times ordered, so the expired ones are a
   * prefix, found by binary search. A key missing meanwhile was trimmed by a concurrent append,
   * from the front, so it counts as expired.
   */
  private long firstHeld(long last, Instant now) {
    while (true) {
      Long first = entries.firstKey();
      if (first == null || first > last) {
        return last + 1;
      }
      if (!bounds.ages()) {
        return first;
      }
      byte[] bytes = entries.get(first);
      if (bytes == null) {
        continue; // trimmed meanwhile
      }
      if (!isExpired(first, bytes, now)) {
        return first;
      }
      long lo = first + 1;
      long hi = last + 1;
      while (lo < hi) {
        long mid = (lo + hi) >>> 1;
        byte[] midBytes = entries.get(mid);
        if (midBytes == null || isExpired(mid, midBytes, now)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  private boolean isExpired(long sequence, byte[] bytes, Instant now) {
    return bounds.isExpired(EntryCodec.publishedAt(sequence, bytes), now);
  }

  // The methods below run under writeLock.

  private void applyBoundsOnOpen() {
    writeLock.lock();
    try {
      trim(clock.instant());
      store.commit();
    } catch (MVStoreException e) {
      throw writeFailure(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Removes the entries beyond maxSize and those expired at {@code now}, with their ids. */
  private void trim(Instant now) {
    long excess = entries.sizeAsLong() - bounds.maxSize();
    for (Long first = entries.firstKey(); first != null; first = entries.firstKey()) {
      byte[] bytes = entries.get(first);
      if (excess <= 0 && !isExpired(first, bytes, now)) {
        return;
      }
      entries.remove(first);
      String id = EntryCodec.id(first, bytes);
      if (first.equals(ids.get(id))) {
        ids.remove(id);
      }
      excess--;
    }
  }

  /** Forgets the changes since the last commit and returns the exception to throw. */
  private IllegalStateException writeFailure(MVStoreException e) {
    try {
      store.rollback();
    } catch (RuntimeException suppressed) {
      if (suppressed != e) { // after a failed write, MVStore rethrows the same exception
        e.addSuppressed(suppressed);
      }
    }
    return new IllegalStateException("history write failed: " + file + " (" + e + ")", e);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("history closed");
    }
  }

  private IllegalStateException readFailure(MVStoreException e) {
    if (closed) {
      return new IllegalStateException("history closed", e);
    }
    if (store.isClosed()) {
      return new IllegalStateException("history closed after a failed write: " + file, e);
    }
    return new IllegalStateException("history file unreadable: " + file + " (" + e + ")", e);
  }

  private static IllegalStateException openFailure(Path directory, Path file, MVStoreException e) {
    if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
      return new IllegalStateException("history directory in use: " + directory, e);
    }
    return new IllegalStateException(
        "history file unreadable: " + file + " (" + e.getMessage() + ")", e);
  }

  private long parseSequence(@Nullable String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("history file unreadable: " + file + " (" + e + ")", e);
    }
  }

  private static long orZero(@Nullable Long value) {
    return value == null ? 0 : value;
  }
}
