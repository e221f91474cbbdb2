package dev.herald.redis;

import dev.herald.hub.Broker;
import dev.herald.hub.Update;
import dev.herald.redis.internal.RedisLog;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs several hub instances as one, on a Redis server (5.0 or newer; 6.2 or newer for age bounds):
 * a {@link Broker} whose log is a Redis stream.
 *
 * <p>Publishing runs one Lua script in Redis that refuses an id still held, appends the update to
 * the stream ({@code XADD}) and trims the stream to the history bounds; the publisher's {@code 200}
 * comes after Redis has stored the update (as durable as Redis's persistence settings make it:
 * {@code appendonly yes} with {@code appendfsync always} for the strictest). Every instance,
 * including the publishing one, reads the stream in order with a blocking {@code XREAD} from the
 * last entry it delivered, appends each update to its own history (its mirror of the stream, which
 * resume reads) and hands it to its subscribers: every subscriber on every instance receives each
 * update once, in the stream's order.
 *
 * <pre>{@code
 * Hub hub = Hub.builder()
 *     .jwtKey(key)
 *     .broker(RedisBroker.builder("redis://localhost:6379").build())
 *     .build();
 * }</pre>
 *
 * <p>When Redis is unreachable, {@link #available()} turns false and publishing fails with {@link
 * dev.herald.hub.BrokerUnavailableException} (HTTP 503 with {@code Retry-After}); subscribers stay
 * connected; the broker reconnects by itself (backing off up to a second between attempts) and
 * catches up from the last entry it read. One line is logged when Redis is lost and one when it is
 * back. Thread-safe.
 */
public final class RedisBroker implements Broker {
  private final RedisLog log;
  private final String description;

  private RedisBroker(RedisLog log, String description) {
    this.log = log;
    this.description = description;
  }

  /**
   * Returns a builder for a broker on the Redis server at {@code uri}: {@code
   * redis://[password@]host[:port][/database]} or {@code rediss://…} for TLS.
   *
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static Builder builder(String uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
      throw new IllegalArgumentException("redis: " + uri + " (expected: redis://host:port)");
    }
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("redis: " + uri + " (" + e.getMessage() + ")", e);
    }
    return new Builder(parsed);
  }

  @Override
  public void start(Sink sink) {
    log.start(Objects.requireNonNull(sink, "sink"));
  }

  @Override
  public boolean publish(Update update, boolean generatedId) {
    Objects.requireNonNull(update.id(), "update.id");
    return log.publish(update);
  }

  @Override
  public boolean catchUp(String id) {
    return log.catchUp(Objects.requireNonNull(id, "id"));
  }

  /** Returns whether Redis is reachable now, so that publishing is accepted. */
  @Override
  public boolean available() {
    return log.available();
  }

  /** Returns how many times Redis was lost (each outage counted once, also one at start). */
  public long outages() {
    return log.outages();
  }

  /**
   * Returns how many publishes and resumes were refused because Redis was unreachable (or this
   * instance had not read far enough yet).
   */
  public long refused() {
    return log.refused();
  }

  /**
   * Returns how many updates this instance never read because they left the log first: trimmed
   * while it was disconnected for longer than the history size took to publish, or lost by a Redis
   * that restarted without persistence. Each such gap is also logged.
   */
  public long missed() {
    return log.missed();
  }

  /** Stops reading and disconnects from Redis; the log in Redis is kept. */
  @Override
  public void close() {
    log.close();
  }

  @Override
  public String toString() {
    return description;
  }

  /** Builds a {@link RedisBroker}. Not thread-safe. */
  public static final class Builder {
    /** The default prefix of the broker's keys: {@value}. */
    public static final String DEFAULT_KEY_PREFIX = "herald";

    /** The default most entries kept in the stream: {@value}. */
    public static final int DEFAULT_HISTORY_SIZE = 10_000;

    /** The default time-out of each Redis command and connection attempt: 5 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final RedisURI uri;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private Duration historyMaxAge = Duration.ZERO;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /**
     * Sets the prefix of the keys, so that several clusters can share one Redis: the stream is
     * {@code {prefix}:log}, the id index {@code {prefix}:ids} and the entry counter {@code
     * {prefix}:seq}; default {@value #DEFAULT_KEY_PREFIX}. Every instance of one cluster must use
     * the same.
     */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
        throw new IllegalArgumentException(
            "keyPrefix: " + prefix + " (expected: not empty, without braces)");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * Sets the most updates kept in the stream, for resume and for instances that fall behind;
     * default {@value #DEFAULT_HISTORY_SIZE}. Give the hub's history the same size.
     */
    public Builder historySize(int size) {
      if (size <= 0) {
        throw new IllegalArgumentException("historySize: " + size + " (expected: > 0)");
      }
      this.historySize = size;
      return this;
    }

    /**
     * Sets how long updates are kept in the stream; default {@link Duration#ZERO}, no age limit.
     * Give the hub's history the same age.
     */
    public Builder historyMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("historyMaxAge: " + maxAge + " (expected: >= 0)");
      }
      this.historyMaxAge = maxAge;
      return this;
    }

    /**
     * Sets the time-out of each Redis command and connection attempt; a publish that Redis does not
     * answer in time is refused (503). Default 5 seconds.
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      this.timeout = timeout;
      return this;
    }

    /** Returns the broker; it connects when the hub starts it. */
    public RedisBroker build() {
      RedisURI u = RedisURI.builder(uri).withTimeout(timeout).build();
      return new RedisBroker(
          new RedisLog(new RedisLog.Config(u, keyPrefix, historySize, historyMaxAge, timeout)),
          "RedisBroker{" + uri.getHost() + ":" + uri.getPort() + ", key " + keyPrefix + "}");
    }
  }
}
