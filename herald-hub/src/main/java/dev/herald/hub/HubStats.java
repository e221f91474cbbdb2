package dev.herald.hub;

/**
 * Reads a hub's counters: subscriptions, updates published and delivered, resumes, history size.
 *
 * <p>Every value is read without locks from counters the hub updates with one atomic increment
 * where the event happens; values read together are not a consistent snapshot. Totals count from
 * the hub's creation and never decrease. Thread-safe.
 */
public interface HubStats {
  /** Returns the number of subscribers connected now. */
  int subscriptions();

  /**
   * Returns the number of updates published since the hub was created: each update stored and
   * handed to its subscribers once; a retried publish acknowledged from history is not counted
   * again.
   */
  long updatesPublished();

  /**
   * Returns the number of updates handed to subscribers' streams, live or from history, since the
   * hub was created: one per update per subscriber.
   */
  long deliveries();

  /**
   * Returns the number of subscriptions that asked to resume ({@code Last-Event-ID}, including
   * {@code earliest}) since the hub was created.
   */
  long resumes();

  /** Returns how many of the {@link #deliveries()} came from history, replayed on a resume. */
  long replayedUpdates();

  /** Returns the number of updates held in history now; 0 once the hub is closed. */
  int historySize();
}
