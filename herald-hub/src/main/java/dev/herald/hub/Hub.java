package dev.herald.hub;

import dev.herald.hub.internal.HubCore;
import dev.herald.hub.internal.HubRoutes;
import dev.herald.server.HeraldServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A Mercure hub: subscribers connect with an {@code EventSource} to {@code
 * /.well-known/mercure?topic=…}, publishers {@code POST} updates there or call {@link
 * #publish(Update)}; JWTs authorize both; a bounded history lets subscribers resume with {@code
 * Last-Event-ID} without gaps or duplicates.
 *
 * <p>Embed it in an application's server with {@link #install(HeraldServer.Builder)}, or run it
 * standalone with the {@code herald serve} command. Thread-safe.
 *
 * <pre>{@code
 * Hub hub = Hub.builder().jwtKey(JwtKey.hmac(secret)).build();
 * HeraldServer server = hub.install(HeraldServer.builder().port(8080)).build().start();
 * hub.publish(Update.builder("https://example.com/books/1").data("{\"price\":10}").build());
 * }</pre>
 */
public final class Hub implements AutoCloseable {
  /** The hub's path, fixed by the Mercure protocol. */
  public static final String PATH = HubRoutes.PATH;

  private final HubCore core;
  private final HubRoutes routes;

  private Hub(HubCore core) {
    this.core = core;
    this.routes = new HubRoutes(core);
  }

  /** Returns a new builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the {@code Link} header value by which an application's resources point browsers to the
   * hub: {@code <hubUrl>; rel="mercure"}.
   */
  public static String discoveryLink(String hubUrl) {
    Objects.requireNonNull(hubUrl, "hubUrl");
    return "<" + hubUrl + ">; rel=\"mercure\"";
  }

  /** Adds the hub's routes to a server under construction, and returns the builder. */
  public HeraldServer.Builder install(HeraldServer.Builder server) {
    routes.install(server);
    return server;
  }

  /**
   * Publishes an update and returns it with its id (generated when it had none). When this method
   * returns, the update is in history (on disk, with an on-disk history; in the shared log, with a
   * cluster {@link Broker}) and has been handed to every matching subscriber of this instance. An
   * update whose id is still in history is acknowledged without being published twice, so a
   * publisher that retries with its own id cannot duplicate it.
   *
   * @throws BrokerUnavailableException if a cluster broker cannot store the update now (then it is
   *     not acknowledged, and may be published again with the same id)
   * @throws IllegalStateException if the hub is closed, or the history cannot store the update
   *     (then it is not delivered either, and may be published again with the same id)
   */
  public Update publish(Update update) {
    return core.publish(Objects.requireNonNull(update, "update"));
  }

  /**
   * Returns whether the hub can accept updates now: it is open and its broker is available. Always
   * true for an open hub on the in-memory broker; with a cluster broker, false while the broker's
   * store is unreachable (publishing then answers 503, subscribers stay connected). For readiness
   * checks.
   */
  public boolean ready() {
    return core.ready();
  }

  /** Returns the number of subscribers connected now. */
  public int subscriberCount() {
    return core.subscriberCount();
  }

  /**
   * Returns the hub's counters: subscriptions, updates published and delivered, resumes and history
   * size. Reading them costs the hub nothing.
   */
  public HubStats stats() {
    return core.counters();
  }

  /** Returns the id of the newest update in history, or {@code earliest} if there is none. */
  public String lastEventId() {
    return core.lastEventId();
  }

  /** Ends every subscriber's stream, closes the broker and then the history. */
  @Override
  public void close() {
    core.close();
  }

  /** Builds a {@link Hub}. Not thread-safe. */
  public static final class Builder {
    /** The default number of updates kept for resume: {@value}. */
    public static final int DEFAULT_HISTORY_SIZE = 10_000;

    /** The default number of live updates waiting for one subscriber before it is cut: {@value}. */
    public static final int DEFAULT_MAX_QUEUED_UPDATES = 10_000;

    /** The default most {@code topic} parameters of one subscription: {@value}. */
    public static final int DEFAULT_MAX_TOPICS = 1000;

    private @Nullable JwtKey publisherKey;
    private @Nullable JwtKey subscriberKey;
    private boolean anonymous;
    private String cookieName = "mercureAuthorization";
    private final Set<String> publishOrigins = new LinkedHashSet<>();
    private @Nullable History history;
    private @Nullable Broker broker;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private Duration historyMaxAge = Duration.ZERO;
    private @Nullable Path historyDir;
    private boolean subscriptionEvents;
    private int maxQueuedUpdates = DEFAULT_MAX_QUEUED_UPDATES;
    private int maxTopics = DEFAULT_MAX_TOPICS;
    private double publishRate;
    private int publishBurst = 1;
    private @Nullable LongConsumer publishLatency;

    private Builder() {}

    /** Sets the key that verifies both publishers' and subscribers' tokens. */
    public Builder jwtKey(JwtKey key) {
      return publisherKey(key).subscriberKey(key);
    }

    /**
     * Sets the key that verifies publishers' tokens. Without one, publishing over HTTP is refused
     * (403); {@link Hub#publish(Update)} still works.
     */
    public Builder publisherKey(@Nullable JwtKey key) {
      this.publisherKey = key;
      return this;
    }

    /**
     * Sets the key that verifies subscribers' tokens. Without one every subscriber is accepted and
     * receives public updates only.
     */
    public Builder subscriberKey(@Nullable JwtKey key) {
      this.subscriberKey = key;
      return this;
    }

    /**
     * Sets whether subscribers without a token are accepted (public updates only); default false.
     * An invalid token is refused either way.
     */
    public Builder anonymous(boolean anonymous) {
      this.anonymous = anonymous;
      return this;
    }

    /**
     * Sets the name of the cookie that may carry the token; default {@code mercureAuthorization}.
     */
    public Builder cookieName(String cookieName) {
      this.cookieName = Objects.requireNonNull(cookieName, "cookieName");
      return this;
    }

    /**
     * Adds origins allowed to publish with a cookie token ({@code *} for any); default none. A
     * cookie publish from another origin is refused, against cross-site request forgery.
     */
    public Builder publishOrigins(String... origins) {
      publishOrigins.addAll(List.of(origins));
      return this;
    }

    /** Sets the number of updates kept for resume; default {@value #DEFAULT_HISTORY_SIZE}. */
    public Builder historySize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("historySize: " + size + " (expected: >= 0)");
      }
      this.historySize = size;
      return this;
    }

    /** Sets how long updates are kept for resume; default {@link Duration#ZERO}, no age limit. */
    public Builder historyMaxAge(Duration maxAge) {
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("historyMaxAge: " + maxAge + " (expected: >= 0)");
      }
      this.historyMaxAge = maxAge;
      return this;
    }

    /**
     * Keeps history on disk in the directory, so that it survives restarts and crashes; default in
     * memory. Every acknowledged update is on disk before the publisher hears its id.
     */
    public Builder historyDir(@Nullable Path directory) {
      this.historyDir = directory;
      return this;
    }

    /** Uses the given history instead of one built from the size, age and directory options. */
    public Builder history(@Nullable History history) {
      this.history = history;
      return this;
    }

    /**
     * Uses the given broker to carry updates to subscribers, such as a cluster broker shared by
     * several hub instances; default {@link Broker#inMemory()}, a new one for each hub. The hub
     * starts the broker when built and closes it when closed. With a cluster broker, the history
     * configured here is this instance's mirror of the broker's log, which resume reads: give it
     * the same bounds as the broker's.
     */
    public Builder broker(@Nullable Broker broker) {
      this.broker = broker;
      return this;
    }

    /**
     * Turns on subscription events and the active subscriptions API ({@code
     * /.well-known/mercure/subscriptions}); default off.
     */
    public Builder subscriptionEvents(boolean enabled) {
      this.subscriptionEvents = enabled;
      return this;
    }

    /**
     * Sets how many live updates may wait for one subscriber (while it catches up from history, or
     * reads slowly) before it is cut; default {@value #DEFAULT_MAX_QUEUED_UPDATES}.
     */
    public Builder maxQueuedUpdates(int max) {
      if (max <= 0) {
        throw new IllegalArgumentException("maxQueuedUpdates: " + max + " (expected: > 0)");
      }
      this.maxQueuedUpdates = max;
      return this;
    }

    /**
     * Sets the most {@code topic} parameters of one subscription; default {@value
     * #DEFAULT_MAX_TOPICS}.
     */
    public Builder maxTopicsPerSubscription(int max) {
      if (max <= 0) {
        throw new IllegalArgumentException("maxTopicsPerSubscription: " + max + " (expected: > 0)");
      }
      this.maxTopics = max;
      return this;
    }

    /**
     * Limits each publisher to {@code perSecond} updates per second on average, with bursts of up
     * to {@code burst}; default no limit ({@code perSecond} 0), as publishers hold signed tokens. A
     * publisher is identified by its token's {@code sub}, or by a hash of a token without one. A
     * publication past the limit is refused with {@code 429} and {@code Retry-After}, and is not
     * stored.
     *
     * @throws IllegalArgumentException if {@code perSecond} is negative or not finite, or {@code
     *     burst} is less than 1
     */
    public Builder publishRate(double perSecond, int burst) {
      if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("publishRate: " + perSecond + " (expected: >= 0)");
      }
      if (burst < 1) {
        throw new IllegalArgumentException("publishBurst: " + burst + " (expected: >= 1)");
      }
      this.publishRate = perSecond;
      this.publishBurst = burst;
      return this;
    }

    /**
     * Sets a callback that receives, for every update published, how long {@link
     * Hub#publish(Update)} took in nanoseconds: from the call to the update stored and handed to
     * every matching subscriber (an HTTP publish adds parsing and authorization before it). Meant
     * for a timer or histogram, such as Micrometer's {@code Timer.record(nanos, NANOSECONDS)}.
     * Called on the publishing thread before {@code publish} returns: it must be quick and should
     * not throw (an exception is logged once and otherwise ignored). Default none.
     */
    public Builder publishLatency(@Nullable LongConsumer listener) {
      this.publishLatency = listener;
      return this;
    }

    /**
     * Returns the hub; opens the on-disk history if one is configured, and starts the broker.
     *
     * @throws IllegalStateException if the on-disk history cannot be opened, or the broker cannot
     *     start
     */
    public Hub build() {
      History h = history;
      if (h == null) {
        h =
            historyDir == null
                ? History.inMemory(historySize, historyMaxAge)
                : History.onDisk(historyDir, historySize, historyMaxAge);
      }
      HubCore core =
          new HubCore(
              new HubCore.Config(
                  publisherKey,
                  subscriberKey,
                  anonymous,
                  cookieName,
                  Set.copyOf(publishOrigins),
                  h,
                  broker != null ? broker : Broker.inMemory(),
                  subscriptionEvents,
                  maxQueuedUpdates,
                  maxTopics,
                  publishRate,
                  publishBurst,
                  historySize));
      if (publishLatency != null) {
        core.counters().publishLatency(publishLatency);
      }
      try {
        core.start();
      } catch (RuntimeException e) {
        core.abort(); // not the broker: it may be another hub's (started twice)
        throw e;
      }
      return new Hub(core);
    }
  }
}
