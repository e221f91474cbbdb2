package dev.herald.hub.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.hub.Broker;
import dev.herald.hub.History;
import dev.herald.hub.JwtKey;
import dev.herald.hub.Update;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's engine room: publishing (ids, history, fan-out), subscribing (authorization, resume),
 * subscription events and token expiry.
 *
 * <p>An update gets its id here and goes to the {@link Broker}, which hands it back to {@link
 * #deliver} on this instance (and on every other instance sharing a cluster broker). Delivery is
 * serialised by {@link #publishLock}: an update is appended to history (durably, with an on-disk
 * history) and offered to every matching subscriber before the next one starts, so every subscriber
 * sees updates in the broker's order. Subscribers register under the same lock, which is what makes
 * resume gapless (see {@link HubSubscriber}).
 */
public final class HubCore implements AutoCloseable, Broker.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(HubCore.class);

  /** The topic prefix of subscription events. */
  public static final String SUBSCRIPTIONS_PREFIX = "/.well-known/mercure/subscriptions";

  /**
   * Every option of a hub, validated by the public builder; {@code recentFrames} is how many recent
   * publications keep their encoded frame for replay (see {@link RecentFrames}), the history size.
   */
  public record Config(
      @Nullable JwtKey publisherKey,
      @Nullable JwtKey subscriberKey,
      boolean anonymous,
      String cookieName,
      Set<String> publishOrigins,
      History history,
      Broker broker,
      boolean subscriptionEvents,
      int maxQueuedUpdates,
      int maxTopicsPerSubscription,
      double publishRate,
      int publishBurst,
      int recentFrames) {}

  private final Config config;
  private final History history;
  private final Broker broker;
  private final Dispatcher dispatcher = new Dispatcher();
  private final TopicSelectorCache selectors = new TopicSelectorCache();
  private final Authorization authorization;
  private final @Nullable PublishRateLimiter publishRate;
  private final ScheduledExecutorService timers;
  private final ObjectMapper json =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private final Object publishLock = new Object();
  private final HubCounters counters;
  private final RecentFrames recentFrames;
  private volatile boolean closed;

  public HubCore(Config config) {
    this.config = config;
    this.history = config.history();
    this.broker = config.broker();
    this.authorization =
        Authorization.of(
            config.publisherKey(),
            config.subscriberKey(),
            config.cookieName(),
            config.publishOrigins(),
            config.anonymous());
    this.publishRate =
        config.publishRate() > 0
            ? new PublishRateLimiter(config.publishRate(), config.publishBurst(), System::nanoTime)
            : null;
    this.counters = new HubCounters(dispatcher::subscriberCount, history);
    this.recentFrames = new RecentFrames(config.recentFrames());
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "herald-hub-timers");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the broker, which from now on delivers updates to this hub. */
  public void start() {
    broker.start(this);
  }

  public Config config() {
    return config;
  }

  /** Returns the hub's counters. */
  public HubCounters counters() {
    return counters;
  }

  Authorization authorization() {
    return authorization;
  }

  /**
   * Takes one publication from the publisher's rate allowance, if a rate is configured.
   *
   * @throws HttpStatusException with status 429 and {@code Retry-After} past it
   */
  void limitPublishRate(Request request, MercureClaims claims) {
    if (publishRate != null) {
      publishRate.acquire(authorization.publisherIdentity(request, claims));
    }
  }

  TopicSelectorCache selectors() {
    return selectors;
  }

  ObjectMapper json() {
    return json;
  }

  /**
   * Publishes an update: assigns an id if it has none and hands it to the broker, which stores it
   * and delivers it to every matching subscriber. Returns the update with its id. An update whose
   * id is still held was published before: it is acknowledged again but not stored or delivered
   * twice, so publishers retry safely by resending their own id.
   *
   * @throws dev.herald.hub.BrokerUnavailableException if the broker cannot store it now
   * @throws IllegalStateException if the hub is closed or the history cannot store it
   */
  public Update publish(Update update) {
    if (closed) {
      throw new IllegalStateException("hub closed");
    }
    long start = System.nanoTime(); // stats
    boolean generated = update.id() == null;
    Update withId = generated ? update.withId(Ids.next()) : update;
    if (broker.publish(withId, generated)) {
      counters.published(System.nanoTime() - start); // stats
    }
    return withId;
  }

  /** {@inheritDoc} */
  @Override
  public boolean deliver(Update update, boolean mayBeDuplicate) {
    String id = update.id();
    if (id == null) {
      throw new IllegalArgumentException("update.id: null (expected: an id)");
    }
    var frame = UpdateFrames.encode(update);
    synchronized (publishLock) {
      if (mayBeDuplicate && history.sequenceOf(id) >= 0) {
        // Already published (a publisher retrying after a lost answer): acknowledge, once.
        return false;
      }
      long sequence = history.append(update);
      var delivery = new HubSubscriber.Delivery(sequence, update, frame);
      recentFrames.put(delivery);
      dispatcher.dispatch(delivery);
    }
    return true;
  }

  /** Returns whether the broker can accept updates now and the hub is open. */
  public boolean ready() {
    return !closed && broker.available();
  }

  /**
   * Creates and registers a subscriber. Returns it with the value of the {@code Last-Event-ID}
   * response header (null when the client asked for none): the id it resumes after, or {@code
   * earliest} when it gets everything held, or when the id is unknown or trimmed.
   */
  Subscription subscribe(
      List<String> topicSelectors, @Nullable MercureClaims claims, @Nullable String lastEventId) {
    if (lastEventId != null
        && !lastEventId.equals("earliest")
        && history.sequenceOf(lastEventId) < 0) {
      // Perhaps published on another instance, and not read here yet: wait for it (bounded)
      // rather than answer "earliest" and replay everything. Not under the lock: delivery needs it.
      broker.catchUp(lastEventId);
    }
    String subscriberId = Ids.next();
    List<TopicSelector> compiled = new ArrayList<>();
    for (String s : topicSelectors) {
      compiled.add(selectors.get(s));
    }
    List<TopicSelector> allowed = new ArrayList<>();
    if (claims != null && claims.subscribe() != null) {
      for (String s : claims.subscribe()) {
        allowed.add(selectors.get(s));
      }
    }
    HubSubscriber[] holder = new HubSubscriber[1];
    HubSubscriber subscriber =
        new HubSubscriber(
            subscriberId,
            compiled,
            claims,
            allowed,
            history,
            config.maxQueuedUpdates(),
            () -> unsubscribed(holder[0]),
            counters,
            recentFrames);
    holder[0] = subscriber;
    if (config.subscriptionEvents()) {
      publishSubscriptionEvents(subscriber, true);
    }
    String responseId;
    synchronized (publishLock) {
      long last = history.lastSequence();
      long after = last;
      responseId = null;
      if (lastEventId != null) {
        counters.resumed(); // stats
        if (lastEventId.equals("earliest")) {
          after = history.firstSequence() - 1;
          responseId = "earliest";
        } else {
          long sequence = history.sequenceOf(lastEventId);
          if (sequence >= 0) {
            after = sequence;
            responseId = lastEventId;
          } else {
            responseId = "earliest";
          }
        }
      }
      subscriber.replay(after, last);
      dispatcher.register(subscriber);
    }
    scheduleExpiry(subscriber, claims);
    return new Subscription(subscriber, responseId);
  }

  /** A registered subscriber and its {@code Last-Event-ID} response header. */
  record Subscription(HubSubscriber subscriber, @Nullable String lastEventId) {}

  private void scheduleExpiry(HubSubscriber subscriber, @Nullable MercureClaims claims) {
    if (claims == null || claims.expiresAt() == null) {
      return;
    }
    long delay = Duration.between(Instant.now(), claims.expiresAt()).toMillis();
    ScheduledFuture<?> unused =
        timers.schedule(subscriber::expire, Math.max(0, delay), TimeUnit.MILLISECONDS);
  }

  private void unsubscribed(HubSubscriber subscriber) {
    dispatcher.unregister(subscriber);
    if (config.subscriptionEvents() && !closed) {
      // Not on the caller's thread: it may be inside a publish.
      timers.execute(() -> publishSubscriptionEvents(subscriber, false));
    }
  }

  private void publishSubscriptionEvents(HubSubscriber subscriber, boolean active) {
    for (TopicSelector selector : subscriber.selectors()) {
      String topic = subscriptionTopic(selector.text(), subscriber.subscriberId());
      try {
        publish(
            Update.builder(topic)
                .privateUpdate(true)
                .data(json.writeValueAsString(subscriptionDocument(subscriber, selector, active)))
                .build());
      } catch (Exception e) {
        LOG.warn("cannot publish subscription event for {}", topic, e);
      }
    }
  }

  Map<String, Object> subscriptionDocument(
      HubSubscriber subscriber, TopicSelector selector, boolean active) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@context", "https://mercure.rocks/");
    doc.put("id", subscriptionTopic(selector.text(), subscriber.subscriberId()));
    doc.put("type", "Subscription");
    doc.put("subscriber", subscriber.subscriberId());
    doc.put("topic", selector.text());
    doc.put("active", active);
    if (subscriber.payload() != null) {
      doc.put("payload", subscriber.payload());
    }
    return doc;
  }

  static String subscriptionTopic(String selector, String subscriberId) {
    return SUBSCRIPTIONS_PREFIX + "/" + queryEscape(selector) + "/" + queryEscape(subscriberId);
  }

  /** Escapes as Go's {@code url.QueryEscape} does, which Mercure clients expect. */
  static String queryEscape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  /** Returns the subscribers connected now. */
  List<HubSubscriber> subscribers() {
    return List.copyOf(dispatcher.subscribers());
  }

  /** Returns the number of subscribers connected now. */
  public int subscriberCount() {
    return dispatcher.subscriberCount();
  }

  /** Returns the id of the newest update in history, or {@code earliest} if there is none. */
  public String lastEventId() {
    String id = history.lastId();
    return id == null ? "earliest" : id;
  }

  /** Releases what a hub whose broker failed to start holds: its timers and history. */
  public void abort() {
    closed = true;
    timers.shutdownNow();
    history.close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (HubSubscriber subscriber : dispatcher.subscribers()) {
      subscriber.expire();
    }
    timers.shutdownNow();
    // The broker first: once it is closed nothing is delivered into the history being closed.
    broker.close();
    history.close();
  }
}
