package dev.herald.redis.internal;

import dev.herald.hub.Broker;
import dev.herald.hub.BrokerUnavailableException;
import dev.herald.hub.Update;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log on Redis: publishing runs {@link Scripts#PUBLISH} (dedupe by id, {@code XADD}, trim); one
 * reader thread per instance reads the stream with blocking {@code XREAD} from the last entry it
 * delivered, in order, and hands each update to the hub's sink; it also (re)connects.
 *
 * <p>Threads: {@link #publish} and {@link #catchUp} run on the hub's request threads, over one
 * shared connection ({@link #commands}, which Lettuce pipelines). The reader thread owns the
 * blocking connection and is the only one that opens connections, so an outage is noticed and
 * repaired in one place; the request threads only mark a connection they found closed. {@link
 * #position} is advanced by the reader thread and waited on by request threads.
 */
public final class RedisLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLog.class);
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** How long one {@code XREAD} blocks when nothing is published. */
  static final Duration BLOCK = Duration.ofMillis(500);

  /** Entries read per {@code XREAD}. */
  static final int BATCH = 512;

  /** The longest {@link #start} waits for the log to be read to its end. */
  static final Duration START_WAIT = Duration.ofSeconds(30);

  /** The most time between two reconnection attempts. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /** Every option, validated by the public builder. */
  public record Config(
      RedisURI uri, String keyPrefix, int maxSize, Duration maxAge, Duration timeout) {}

  private final Config config;
  private final String logKey;
  private final String idsKey;
  private final String seqKey;
  private final RedisClient client;
  private final Thread reader;

  /** Counted down once the log was read to its end, or the first connection attempt failed. */
  private final CountDownLatch started = new CountDownLatch(1);

  private final Position position = new Position();
  private final GapDetector gaps = new GapDetector();
  private final AtomicLong outages = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final String shownUri;

  private volatile Broker.@Nullable Sink sink;
  private volatile @Nullable StatefulRedisConnection<String, byte[]> commands;
  private volatile boolean available;
  private volatile boolean closed;

  // Reader thread only.
  private @Nullable StatefulRedisConnection<String, byte[]> blocking;
  private StreamId lastRead = StreamId.ZERO;
  private boolean outageLogged;
  private long outageStartNanos;
  private long lastTrimNanos;
  private @Nullable String publishSha;

  public RedisLog(Config config) {
    this.config = config;
    this.logKey = "{" + config.keyPrefix() + "}:log";
    this.idsKey = "{" + config.keyPrefix() + "}:ids";
    this.seqKey = "{" + config.keyPrefix() + "}:seq";
    this.shownUri = config.uri().getHost() + ":" + config.uri().getPort();
    this.client = RedisClient.create(config.uri());
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .socketOptions(SocketOptions.builder().connectTimeout(config.timeout()).build())
            .build());
    this.reader = new Thread(this::run, "herald-redis-reader");
    reader.setDaemon(true);
  }

  /**
   * Starts reading; waits until the log is read to its end once, or the first connection attempt
   * failed, at most {@link #START_WAIT}: an instance that can reach Redis starts with the whole
   * history, one that cannot starts at once and answers 503 until it can.
   */
  public void start(Broker.Sink sink) {
    if (this.sink != null) {
      throw new IllegalStateException("broker already started");
    }
    this.sink = sink;
    reader.start();
    try {
      if (!started.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Redis log at {} not read to its end yet; going on", shownUri);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** See {@link Broker#publish}. */
  public boolean publish(Update update) {
    RedisCommands<String, byte[]> redis = commandsOrRefuse();
    List<Object> result;
    try {
      result =
          runScript(
              redis,
              utf8(update.id()),
              UpdateCodec.encode(update),
              utf8(Integer.toString(config.maxSize())),
              utf8(Long.toString(config.maxAge().toMillis())));
    } catch (RedisException e) {
      throw refuse(e);
    }
    boolean appended = ((Number) result.get(0)).longValue() == 1;
    StreamId id = StreamId.parse(new String((byte[]) result.get(1), StandardCharsets.UTF_8));
    // Stored: acknowledged either way. Waiting lets this instance's subscribers have it first.
    awaitDelivered(id);
    return appended;
  }

  /** See {@link Broker#catchUp}. */
  public boolean catchUp(String id) {
    RedisCommands<String, byte[]> redis = commandsOrRefuse();
    byte[] streamId;
    try {
      streamId = redis.hget(idsKey, id);
    } catch (RedisException e) {
      throw refuse(e);
    }
    if (streamId == null) {
      return false;
    }
    if (!awaitDelivered(StreamId.parse(new String(streamId, StandardCharsets.UTF_8)))) {
      refused.incrementAndGet();
      throw new BrokerUnavailableException("this instance is still reading the Redis log");
    }
    return true;
  }

  public boolean available() {
    return available && !closed;
  }

  public long outages() {
    return outages.get();
  }

  public long refused() {
    return refused.get();
  }

  public long missed() {
    return gaps.missed();
  }

  private RedisCommands<String, byte[]> commandsOrRefuse() {
    StatefulRedisConnection<String, byte[]> c = commands;
    if (closed || !available || c == null || !c.isOpen()) {
      refused.incrementAndGet();
      throw new BrokerUnavailableException(closed ? "broker closed" : "Redis unavailable");
    }
    return c.sync();
  }

  private BrokerUnavailableException refuse(RedisException e) {
    // The reader thread, on the same Redis, notices the outage, logs it once and reconnects.
    refused.incrementAndGet();
    return new BrokerUnavailableException("Redis unavailable: " + e.getMessage(), e);
  }

  private List<Object> runScript(RedisCommands<String, byte[]> redis, byte[]... args) {
    String[] keys = {logKey, idsKey, seqKey};
    String sha = publishSha;
    if (sha != null) {
      try {
        return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
      } catch (RedisNoScriptException e) {
        // Redis restarted and forgot it: EVAL below loads it again.
      }
    }
    return redis.eval(Scripts.PUBLISH, ScriptOutputType.MULTI, keys, args);
  }

  /** Waits, at most the time-out, until the reader delivered {@code id}; returns whether it did. */
  private boolean awaitDelivered(StreamId id) {
    return position.await(id, config.timeout());
  }

  // ---- the reader thread ----

  private void run() {
    long backoffMillis = 50;
    while (!closed) {
      try {
        connect();
        readOnce();
        trimIfDue();
        backoffMillis = 50;
      } catch (RedisException e) {
        if (closed) {
          break;
        }
        lost(e);
        backoff(backoffMillis);
        backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        // The hub's history failed to store an update: retry from the same entry.
        started.countDown();
        LOG.error("cannot deliver Redis log entry after {}; retrying", lastRead, e);
        backoff(MAX_BACKOFF.toMillis());
      }
    }
    closeConnections();
  }

  private void connect() {
    StatefulRedisConnection<String, byte[]> b = blocking;
    if (b == null || !b.isOpen()) {
      closeQuietly(b);
      blocking = null;
      b = client.connect(CODEC);
      b.setTimeout(config.timeout().plus(BLOCK));
      blocking = b;
    }
    StatefulRedisConnection<String, byte[]> c = commands;
    if (c == null || !c.isOpen()) {
      closeQuietly(c);
      commands = null;
      c = client.connect(CODEC);
      c.setTimeout(config.timeout());
      publishSha = c.sync().scriptLoad(Scripts.PUBLISH);
      commands = c;
    }
    if (!available) {
      available = true;
      if (outageLogged) {
        outageLogged = false;
        LOG.info(
            "Redis available again at {} after {} ms; catching up from log entry {}",
            shownUri,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNanos),
            lastRead);
      } else {
        LOG.info("Redis log at {} (key {}), reading from entry {}", shownUri, logKey, lastRead);
      }
    }
  }

  private void readOnce() {
    StatefulRedisConnection<String, byte[]> b = blocking;
    List<StreamMessage<String, byte[]>> batch =
        b.sync()
            .xread(
                XReadArgs.Builder.block(BLOCK).count(BATCH),
                offsets(XReadArgs.StreamOffset.from(logKey, lastRead.toString())));
    Broker.Sink s = sink;
    if (batch != null) {
      for (StreamMessage<String, byte[]> message : batch) {
        StreamId id = StreamId.parse(message.getId());
        gaps.check(id, message.getBody().get("s"));
        deliver(s, id, message.getBody().get("u"));
        lastRead = id;
        position.delivered(id);
      }
    }
    if (batch == null || batch.size() < BATCH) {
      started.countDown();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // one offset of one type: no heap pollution
  private static XReadArgs.StreamOffset<String>[] offsets(XReadArgs.StreamOffset<String> offset) {
    return new XReadArgs.StreamOffset[] {offset};
  }

  private static void deliver(Broker.Sink sink, StreamId id, byte @Nullable [] encoded) {
    Update update;
    try {
      if (encoded == null) {
        throw new IllegalArgumentException("no update field");
      }
      update = UpdateCodec.decode(encoded);
    } catch (IllegalArgumentException e) {
      LOG.warn("skipping unreadable Redis log entry {}: {}", id, e.getMessage());
      return;
    }
    sink.deliver(update, true);
  }

  /** Drops expired entries even when nobody publishes, once a second at most. */
  private void trimIfDue() {
    if (config.maxAge().isZero() || System.nanoTime() - lastTrimNanos < 1_000_000_000L) {
      return;
    }
    lastTrimNanos = System.nanoTime();
    StatefulRedisConnection<String, byte[]> c = commands;
    if (c != null) {
      runScript(
          c.sync(),
          new byte[0],
          new byte[0],
          utf8(Integer.toString(config.maxSize())),
          utf8(Long.toString(config.maxAge().toMillis())));
    }
  }

  private void lost(RedisException e) {
    available = false;
    started.countDown();
    closeConnections();
    if (!outageLogged) {
      outageLogged = true;
      outageStartNanos = System.nanoTime();
      outages.incrementAndGet();
      LOG.warn(
          "Redis unavailable at {}: {}; publishing answers 503 and subscribers stay connected"
              + " until it is back",
          shownUri,
          e.getMessage());
    }
  }

  private void backoff(long millis) {
    if (!position.backoff(millis)) {
      closed = true;
    }
  }

  private void closeConnections() {
    closeQuietly(blocking);
    blocking = null;
    StatefulRedisConnection<String, byte[]> c = commands;
    commands = null;
    closeQuietly(c);
  }

  private static void closeQuietly(@Nullable StatefulRedisConnection<String, byte[]> c) {
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a Redis connection failed", e);
      }
    }
  }

  private static byte[] utf8(@Nullable String s) {
    return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
  }

  /** Stops the reader (after its current read, at most {@link #BLOCK}) and disconnects. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    available = false;
    position.close();
    try {
      reader.join(config.timeout().plus(BLOCK).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
