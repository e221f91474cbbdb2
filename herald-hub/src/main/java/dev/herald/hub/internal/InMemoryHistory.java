package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.hub.Update;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * Holds the history in memory: a ring of entries with contiguous sequences, plus a map from id to
 * the newest sequence carrying it, kept in step with trimming. Reads find an entry by index
 * arithmetic on the sequence, never by scanning.
 *
 * <p>Thread-safe: a read-write lock guards the state; appends and trims take the write lock, reads
 * the read lock, each for a few array and map operations only (a read copies at most {@code max}
 * references). A read first drops the entries that have expired, taking the write lock only when
 * the oldest entry has. Neither lock is interruptible, so interrupts are simply kept.
 */
public final class InMemoryHistory implements History {
  private static final int INITIAL_CAPACITY = 64;

  private final HistoryBounds bounds;
  private final Clock clock;
  private final Lock readLock;
  private final Lock writeLock;

  // Written under writeLock, read under readLock.
  private History.Entry[] ring;
  private int head;
  private int count;
  private final Map<String, Long> sequenceById = new HashMap<>();
  private long lastSequence;
  private @Nullable String lastId;
  private Instant lastPublishedAt = Instant.MIN;
  private boolean closed;

  // Written under writeLock; read without a lock so that readers take the write lock only when
  // something has actually expired. Null when nothing is held.
  private volatile @Nullable Instant oldestPublishedAt;

  /**
   * Creates an empty history; see {@link History#inMemory(int, Duration, Clock)}.
   *
   * @throws IllegalArgumentException if {@code maxSize} or {@code maxAge} is negative
   */
  public InMemoryHistory(int maxSize, Duration maxAge, Clock clock) {
    this.bounds = new HistoryBounds(maxSize, maxAge);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ring = new History.Entry[Math.min(maxSize, INITIAL_CAPACITY)];
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    this.readLock = lock.readLock();
    this.writeLock = lock.writeLock();
  }

  /** {@inheritDoc} */
  @Override
  public long append(Update update) {
    String id = HistoryBounds.requireId(update);
    writeLock.lock();
    try {
      checkOpen();
      Instant now = HistoryBounds.notBefore(clock.instant(), lastPublishedAt);
      long sequence = lastSequence + 1;
      lastSequence = sequence;
      lastId = id;
      lastPublishedAt = now;
      if (bounds.maxSize() > 0) {
        if (count == bounds.maxSize()) {
          removeOldest();
        }
        addLast(new History.Entry(sequence, update, now));
        sequenceById.put(id, sequence);
      }
      removeExpired(now);
      return sequence;
    } finally {
      writeLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public long sequenceOf(String id) {
    Objects.requireNonNull(id, "id");
    expireForRead();
    readLock.lock();
    try {
      checkOpen();
      Long sequence = sequenceById.get(id);
      return sequence == null ? -1 : sequence;
    } finally {
      readLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<History.Entry> readAfter(long afterSequence, int max) {
    HistoryBounds.checkReadArguments(afterSequence, max);
    expireForRead();
    readLock.lock();
    try {
      checkOpen();
      if (max == 0 || afterSequence >= lastSequence) {
        return List.of();
      }
      long first = lastSequence - count + 1;
      long start = Math.max(afterSequence + 1, first);
      int n = (int) Math.min(max, lastSequence - start + 1);
      History.Entry[] out = new History.Entry[n];
      int index = head + (int) (start - first);
      for (int i = 0; i < n; i++) {
        out[i] = ring[(index + i) % ring.length];
      }
      return List.of(out);
    } finally {
      readLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public long lastSequence() {
    readLock.lock();
    try {
      checkOpen();
      return lastSequence;
    } finally {
      readLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public @Nullable String lastId() {
    readLock.lock();
    try {
      checkOpen();
      return lastId;
    } finally {
      readLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public long firstSequence() {
    expireForRead();
    readLock.lock();
    try {
      checkOpen();
      return lastSequence - count + 1;
    } finally {
      readLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public int size() {
    expireForRead();
    readLock.lock();
    try {
      checkOpen();
      return count;
    } finally {
      readLock.unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public void close() {
    writeLock.lock();
    try {
      closed = true;
      ring = new History.Entry[0];
      head = 0;
      count = 0;
      sequenceById.clear();
      oldestPublishedAt = null;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "InMemoryHistory{maxSize=" + bounds.maxSize() + ", maxAge=" + bounds.maxAge() + "}";
  }

  /** Drops expired entries before a read, taking the write lock only if there are any. */
  private void expireForRead() {
    Instant oldest = oldestPublishedAt;
    if (oldest == null) {
      return;
    }
    Instant now = clock.instant();
    if (!bounds.isExpired(oldest, now)) {
      return;
    }
    writeLock.lock();
    try {
      removeExpired(now);
    } finally {
      writeLock.unlock();
    }
  }

  // The methods below run under writeLock.

  private void addLast(History.Entry entry) {
    if (count == ring.length) {
      grow();
    }
    ring[(head + count) % ring.length] = entry;
    if (count++ == 0) {
      oldestPublishedAt = entry.publishedAt();
    }
  }

  private void grow() {
    int capacity = (int) Math.min(bounds.maxSize(), Math.max(1L, 2L * ring.length));
    History.Entry[] grown = new History.Entry[capacity];
    for (int i = 0; i < count; i++) {
      grown[i] = ring[(head + i) % ring.length];
    }
    ring = grown;
    head = 0;
  }

  private void removeOldest() {
    History.Entry oldest = ring[head];
    ring[head] = null;
    head = (head + 1) % ring.length;
    count--;
    sequenceById.remove(oldest.id(), oldest.sequence());
    oldestPublishedAt = count == 0 ? null : ring[head].publishedAt();
  }

  /**
   * Drops entries expired at {@code now}; publication times never decrease, so they are a prefix.
   */
  private void removeExpired(Instant now) {
    while (count > 0 && bounds.isExpired(ring[head].publishedAt(), now)) {
      removeOldest();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("history closed");
    }
  }
}
