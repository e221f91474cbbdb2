package dev.herald.hub;

import dev.herald.hub.internal.InMemoryHistory;
import dev.herald.hub.internal.MvStoreHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Holds the hub's bounded history of published updates, so that a subscriber reconnecting with
 * {@code Last-Event-ID} receives every update published after the one it saw last.
 *
 * <p>Each appended update gets a <em>sequence</em>: positive, strictly increasing by one, never
 * reused (a durable history also continues its numbering across restarts). The entries held are
 * always a contiguous run of sequences, from {@link #firstSequence()} to {@link #lastSequence()};
 * the history drops its oldest entries once it holds more than {@code maxSize} or once they are
 * {@code maxAge} old. Age is checked on every append and on every read, so an idle hub honours it
 * too.
 *
 * <p>A resume looks like this: {@code long after = history.sequenceOf(lastEventId)}; if it is
 * {@code -1} the id is unknown or no longer held (the hub answers {@code earliest} and replays
 * nothing); otherwise the hub replays {@code readAfter(after, batch)} in batches. If the first
 * entry returned has a sequence above {@code after + 1}, the entries between were trimmed
 * meanwhile.
 *
 * <p>Thread-safety: implementations are safe for use by many threads. Reads may run from any
 * thread, concurrently with each other and with {@link #append}; the hub calls {@code append} from
 * one thread at a time (publishing is serialised), and an entry becomes visible to readers only
 * once {@code append} has stored it. An interrupted calling thread makes no method fail and keeps
 * its interrupt status. The durable implementation performs file I/O in every method, so call it
 * off event-loop threads.
 */
public interface History extends AutoCloseable {

  /**
   * Returns a history held in memory only, using the system clock; see {@link #inMemory(int,
   * Duration, Clock)}.
   */
  static History inMemory(int maxSize, Duration maxAge) {
    return inMemory(maxSize, maxAge, Clock.systemUTC());
  }

  /**
   * Returns a history held in memory only; it is lost when the process ends, and its numbering
   * starts at 1 each time.
   *
   * @param maxSize how many entries at most are held; {@code 0} keeps none (every resume then
   *     reports an unknown id)
   * @param maxAge how long an entry is held at most, or {@link Duration#ZERO} for no age limit
   * @param clock the clock that stamps entries and ages them
   * @throws IllegalArgumentException if {@code maxSize} is negative or {@code maxAge} is negative
   */
  static History inMemory(int maxSize, Duration maxAge, Clock clock) {
    return new InMemoryHistory(maxSize, maxAge, clock);
  }

  /**
   * Returns a durable history stored in {@code directory}, using the system clock; see {@link
   * #onDisk(Path, int, Duration, Clock)}.
   */
  static History onDisk(Path directory, int maxSize, Duration maxAge) {
    return onDisk(directory, maxSize, maxAge, Clock.systemUTC());
  }

  /**
   * Opens a durable history stored in the file {@code history.mv.db} in {@code directory} (an H2
   * MVStore file), creating the directory and the file if missing. The entries it holds and its
   * numbering survive restarts; on opening, the bounds given here are applied to what the file
   * holds.
   *
   * <p>Durability: {@link #append} commits the entry to the file (one write to the operating
   * system, typically 0.1 to 1 ms) before it returns, so every acknowledged update survives the
   * process dying in any way: {@code kill -9}, a crash, an out-of-memory exit. It does not force
   * the write to the device ({@code fsync}), so a power loss or an operating-system crash may lose
   * the updates written in the last seconds before it, and since the disk may then have kept later
   * writes but not earlier ones, may leave the file unreadable: opening then fails with {@code
   * "history file unreadable: …"}, and the file must be moved aside. Surviving power loss needs a
   * {@code sync} (device flush) in every append, which costs from about 0.1 ms on a datacentre SSD
   * with power-loss protection to 10 ms or more on consumer disks and network volumes, and caps
   * publishing at that rate; it is not done.
   *
   * <p>Only one process may use a directory at a time; the file is locked while open.
   *
   * @param directory the directory holding the history file
   * @param maxSize how many entries at most are held; {@code 0} keeps none (every resume then
   *     reports an unknown id), but the numbering still continues
   * @param maxAge how long an entry is held at most, or {@link Duration#ZERO} for no age limit
   * @param clock the clock that stamps entries and ages them
   * @throws IllegalArgumentException if {@code maxSize} is negative or {@code maxAge} is negative
   * @throws IllegalStateException if the directory cannot be created ({@code "history directory
   *     cannot be created: …"}), is in use by another process or another open history ({@code
   *     "history directory in use: …"}), is not writable ({@code "history directory not writable:
   *     …"}, {@code "history file not writable: …"}), or the file is not a readable history ({@code
   *     "history file unreadable: …"}, {@code "history entry …"})
   */
  static History onDisk(Path directory, int maxSize, Duration maxAge, Clock clock) {
    return MvStoreHistory.open(directory, maxSize, maxAge, clock);
  }

  /**
   * Stores an update at the end of the history and returns its sequence, then drops the entries
   * beyond the bounds. The update must already have an id. When {@code maxSize} is 0 the update is
   * numbered and becomes {@link #lastId()}, but is not held.
   *
   * <p>Called by one thread at a time.
   *
   * @throws IllegalArgumentException if the update has no id
   * @throws IllegalStateException if the history is closed, or a durable history could not write
   *     ({@code "history write failed: …"}; the update is then neither stored nor numbered, and if
   *     the store closed itself, later calls fail too until the history is opened again)
   */
  long append(Update update);

  /**
   * Returns the sequence of the entry held with this id, or {@code -1} if no entry with this id is
   * held (never appended, or already dropped). If several entries carry the id, returns the newest.
   *
   * @throws IllegalStateException if the history is closed
   */
  long sequenceOf(String id);

  /**
   * Returns up to {@code max} entries with a sequence above {@code afterSequence}, oldest first;
   * only entries still held. Returns an empty, immutable list when there are none or {@code max} is
   * 0. Pass {@code 0} to read from the oldest entry held.
   *
   * @throws IllegalArgumentException if {@code afterSequence} or {@code max} is negative (a {@code
   *     -1} from {@link #sequenceOf} means "unknown", not "from the start")
   * @throws IllegalStateException if the history is closed
   */
  List<Entry> readAfter(long afterSequence, int max);

  /**
   * Returns the sequence of the last update appended, held or not; 0 when nothing was ever
   * appended.
   *
   * @throws IllegalStateException if the history is closed
   */
  long lastSequence();

  /**
   * Returns the id of the last update appended, held or not, or null when nothing was ever
   * appended.
   *
   * @throws IllegalStateException if the history is closed
   */
  @Nullable String lastId();

  /**
   * Returns the sequence of the oldest entry held, or {@code lastSequence() + 1} when none is held.
   *
   * @throws IllegalStateException if the history is closed
   */
  long firstSequence();

  /**
   * Returns how many entries are held.
   *
   * @throws IllegalStateException if the history is closed
   */
  int size();

  /**
   * Closes the history and releases its memory or file; a durable history keeps everything
   * appended. Other methods throw {@link IllegalStateException} afterwards. Calling it again does
   * nothing.
   */
  @Override
  void close();

  /**
   * Holds one update in the history: its sequence, the update (always with an id), and when it was
   * appended. Immutable and thread-safe.
   *
   * @param sequence the sequence, positive
   * @param update the update, with an id
   * @param publishedAt when the update was appended, by the history's clock; never earlier than the
   *     previous entry's, even if the clock steps back
   */
  record Entry(long sequence, Update update, Instant publishedAt) {

    /**
     * Creates an entry.
     *
     * @throws IllegalArgumentException if the sequence is not positive or the update has no id
     */
    public Entry {
      if (sequence <= 0) {
        throw new IllegalArgumentException("sequence: " + sequence + " (expected: > 0)");
      }
      Objects.requireNonNull(update, "update");
      Objects.requireNonNull(publishedAt, "publishedAt");
      if (update.id() == null) {
        throw new IllegalArgumentException("update.id: null (expected: an id)");
      }
    }

    /** Returns the update's id. */
    public String id() {
      return Objects.requireNonNull(update.id());
    }
  }
}
