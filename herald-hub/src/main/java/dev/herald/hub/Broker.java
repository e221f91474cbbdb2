package dev.herald.hub;

import dev.herald.hub.internal.InMemoryBroker;

/**
 * Carries published updates to the subscribers of every hub instance that shares it, in one order:
 * the hub's service provider interface for clustering.
 *
 * <p>The default, {@link #inMemory()}, serves one process: publishing appends to the hub's own
 * history and hands the update to its subscribers directly. A cluster broker (such as {@code
 * dev.herald.redis.RedisBroker}) appends each update to a shared, ordered log; every instance,
 * including the publishing one, reads that log in order and hands each update to its {@link Sink},
 * which appends it to the instance's local history (its mirror of the log, for resume) and
 * dispatches it to matching subscribers.
 *
 * <p>Life cycle: the hub calls {@link #start(Sink)} once when it is built and {@link #close()} when
 * it closes. A broker serves one hub.
 *
 * <p>Thread-safety: implementations are safe for use by many threads; {@link #publish} and {@link
 * #catchUp} are called from the hub's request threads and may block (never an event loop).
 */
public interface Broker extends AutoCloseable {

  /** Returns a new in-process broker, the hub's default: no cluster, no added latency. */
  static Broker inMemory() {
    return new InMemoryBroker();
  }

  /**
   * Starts the broker; from now on it hands every update in its log to {@code sink}, in log order.
   * Called once, by the hub, before any other method. A broker whose store is unreachable still
   * starts, reports {@link #available()} false, and keeps trying to connect.
   */
  void start(Sink sink);

  /**
   * Publishes an update that has an id, and returns once the update is durably stored in the broker
   * (as durable as the broker's store is). An update whose id the broker still holds is
   * acknowledged without being stored or delivered again.
   *
   * @param update the update, with its id
   * @param generatedId whether the hub generated the id just now, so that it cannot be a duplicate
   * @return true if the update was appended, false if its id was already held
   * @throws BrokerUnavailableException if the broker cannot store the update now; it was then not
   *     acknowledged, and may be published again with the same id
   * @throws IllegalStateException if the broker or the hub's history is closed or failing
   */
  boolean publish(Update update, boolean generatedId);

  /**
   * Waits until this instance's history holds the update with this id, if the broker holds it but
   * this instance has not read it yet (a client resuming on another instance than the one it saw
   * the update on). The hub calls it only for an id its history does not hold. Returns true if the
   * update is now delivered to this instance, false if the broker does not hold the id either
   * (never published, or already trimmed). The in-memory broker returns false at once.
   *
   * @throws BrokerUnavailableException if the broker cannot tell now (the hub then answers 503
   *     rather than replay everything or nothing)
   */
  boolean catchUp(String id);

  /**
   * Returns whether the broker can accept updates now. Always true for the in-memory broker; a
   * cluster broker reports false while its store is unreachable (publishing then answers 503).
   */
  boolean available();

  /** Stops the broker: no update is handed to the sink after it returns. Idempotent. */
  @Override
  void close();

  /**
   * Receives updates from the broker: implemented by the hub. Thread-safe; deliveries are
   * serialised with each other and with subscribers registering.
   */
  interface Sink {

    /**
     * Appends the update to this hub's history and hands it to every matching subscriber, unless
     * the history already holds its id. Returns true if it was appended.
     *
     * @param update the update, with its id
     * @param mayBeDuplicate false when the id is known to be new, which skips the history lookup
     * @throws IllegalStateException if the hub's history is closed or cannot store the update
     */
    boolean deliver(Update update, boolean mayBeDuplicate);
  }
}
