package dev.herald.hub.internal;

import dev.herald.hub.BrokerUnavailableException;
import dev.herald.hub.Update;
import dev.herald.server.EventStream;
import dev.herald.server.HeraldServer;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The hub's HTTP routes: subscribe, publish and the active subscriptions API. */
public final class HubRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(HubRoutes.class);

  /** The hub's path, fixed by the protocol. */
  public static final String PATH = "/.well-known/mercure";

  private static final String CACHE_CONTROL =
      "private, no-cache, no-store, must-revalidate, max-age=0";

  private final HubCore hub;

  public HubRoutes(HubCore hub) {
    this.hub = hub;
  }

  /** Adds the routes to a server. */
  public void install(HeraldServer.Builder server) {
    server
        .sse(PATH, this::subscribe)
        .post(PATH, this::publish)
        .get(PATH + "/subscriptions", this::subscriptions)
        .get(PATH + "/subscriptions/:topic", this::subscriptions)
        .get(PATH + "/subscriptions/:topic/:subscriber", this::subscription);
  }

  // ---- subscribe ----

  EventStream subscribe(Request request) {
    MercureClaims claims = hub.authorization().authorizeSubscriber(request);
    List<String> topics = request.queryAll("topic");
    if (topics.isEmpty()) {
      throw HttpStatusException.badRequest("Missing \"topic\" parameter.");
    }
    int max = hub.config().maxTopicsPerSubscription();
    if (topics.size() > max) {
      throw HttpStatusException.badRequest(
          "too many \"topic\" parameters: " + topics.size() + " (limit: " + max + ")");
    }
    String lastEventId = lastEventId(request);
    HubCore.Subscription subscription;
    try {
      subscription = hub.subscribe(topics, claims, lastEventId);
    } catch (BrokerUnavailableException e) {
      // Cannot tell where this client's Last-Event-ID is: neither replay everything nor nothing.
      throw unavailable(e);
    }
    EventStream stream =
        EventStream.of(subscription.subscriber())
            .primed()
            .header("Cache-Control", CACHE_CONTROL)
            .header("Pragma", "no-cache")
            .header("Expires", "0");
    if (subscription.lastEventId() != null) {
      stream = stream.header("Last-Event-ID", subscription.lastEventId());
    }
    return stream;
  }

  /**
   * The header wins over the query parameters ({@code lastEventID}, then the older {@code
   * Last-Event-ID}).
   */
  private static @Nullable String lastEventId(Request request) {
    for (String candidate :
        new String[] {
          request.header("Last-Event-ID"),
          request.query("lastEventID"),
          request.query("Last-Event-ID")
        }) {
      if (candidate != null && !candidate.isEmpty()) {
        return candidate;
      }
    }
    return null;
  }

  // ---- publish ----

  Response publish(Request request) {
    MercureClaims claims = hub.authorization().authorizePublisher(request);
    hub.limitPublishRate(request, claims);
    Map<String, List<String>> form = form(request);
    List<String> topics = form.getOrDefault("topic", List.of());
    if (topics.isEmpty()) {
      throw HttpStatusException.badRequest("Missing \"topic\" parameter");
    }
    boolean isPrivate = form.containsKey("private");
    checkPublishAllowed(claims, topics, isPrivate);
    Update.Builder update =
        Update.builder(topics).data(first(form, "data", "")).privateUpdate(isPrivate);
    try {
      update.id(emptyToNull(first(form, "id", null)));
      update.type(first(form, "type", null));
    } catch (IllegalArgumentException e) {
      throw HttpStatusException.badRequest(e.getMessage());
    }
    String retry = first(form, "retry", null);
    if (retry != null && !retry.isEmpty()) {
      if (!retry.chars().allMatch(c -> c >= '0' && c <= '9') || retry.length() > 18) {
        throw HttpStatusException.badRequest("Invalid \"retry\" parameter");
      }
      update.retry(Duration.ofMillis(Long.parseLong(retry)));
    }
    for (String topic : topics) {
      if (topic.startsWith(HubCore.SUBSCRIPTIONS_PREFIX)) {
        throw HttpStatusException.forbidden(
            "topics under " + HubCore.SUBSCRIPTIONS_PREFIX + " are the hub's");
      }
    }
    Update published;
    try {
      published = hub.publish(update.build());
    } catch (BrokerUnavailableException e) {
      // The broker logs its outage once; one line per refused request would flood the log.
      LOG.debug("publish refused: {}", e.getMessage());
      throw unavailable(e);
    } catch (IllegalStateException e) {
      // Not stored, so not acknowledged: the publisher may retry with the same id.
      LOG.warn("publish refused: {}", e.getMessage());
      throw new HttpStatusException(503, "hub unavailable, try again", e)
          .header("Retry-After", "1");
    }
    return Response.builder(200)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(published.id())
        .build();
  }

  private static HttpStatusException unavailable(Exception cause) {
    return new HttpStatusException(503, "hub unavailable, try again", cause)
        .header("Retry-After", "1");
  }

  /**
   * Applies the draft's rule: an empty {@code mercure.publish} allows public updates to any topic;
   * otherwise every topic must match one of its selectors.
   */
  private void checkPublishAllowed(MercureClaims claims, List<String> topics, boolean isPrivate) {
    List<String> allowed = claims.publish();
    if (allowed == null) {
      throw HttpStatusException.forbidden("token does not allow publishing");
    }
    if (allowed.isEmpty()) {
      if (isPrivate) {
        throw HttpStatusException.forbidden("token does not allow private updates");
      }
      return;
    }
    for (String topic : topics) {
      if (!hub.selectors().matchesAny(allowed, List.of(topic))) {
        throw HttpStatusException.forbidden("token does not allow publishing to " + topic);
      }
    }
  }

  private static Map<String, List<String>> form(Request request) {
    String type = request.header("Content-Type");
    if (type == null
        || !type.toLowerCase(java.util.Locale.ROOT)
            .startsWith("application/x-www-form-urlencoded")) {
      return Map.of();
    }
    try {
      return new QueryStringDecoder(request.bodyText(), StandardCharsets.UTF_8, false, 1024)
          .parameters();
    } catch (IllegalArgumentException e) {
      throw HttpStatusException.badRequest("malformed form body");
    }
  }

  private static @Nullable String first(
      Map<String, List<String>> form, String name, @Nullable String orElse) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? orElse : values.get(0);
  }

  private static @Nullable String emptyToNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  // ---- active subscriptions API ----

  Response subscriptions(Request request) {
    authorizeApi(request);
    String topic = request.pathParam("topic");
    List<Object> items = new ArrayList<>();
    for (HubSubscriber subscriber : hub.subscribers()) {
      for (TopicSelector selector : subscriber.selectors()) {
        if (topic == null || selector.text().equals(topic)) {
          Map<String, Object> doc = hub.subscriptionDocument(subscriber, selector, true);
          doc.remove("@context");
          items.add(doc);
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("@context", "https://mercure.rocks/");
    body.put("id", rawPath(request));
    body.put("type", "Subscriptions");
    String lastEventId = hub.lastEventId();
    body.put("lastEventID", lastEventId);
    body.put("subscriptions", items);
    return ldJson(request, lastEventId, body);
  }

  Response subscription(Request request) {
    authorizeApi(request);
    String topic = request.pathParam("topic");
    String subscriberId = request.pathParam("subscriber");
    for (HubSubscriber subscriber : hub.subscribers()) {
      if (!subscriber.subscriberId().equals(subscriberId)) {
        continue;
      }
      for (TopicSelector selector : subscriber.selectors()) {
        if (selector.text().equals(topic)) {
          Map<String, Object> doc = hub.subscriptionDocument(subscriber, selector, true);
          String lastEventId = hub.lastEventId();
          doc.put("lastEventID", lastEventId);
          return ldJson(request, lastEventId, doc);
        }
      }
    }
    throw HttpStatusException.notFound("no such subscription");
  }

  private void authorizeApi(Request request) {
    if (!hub.config().subscriptionEvents()) {
      throw HttpStatusException.notFound("subscriptions API disabled");
    }
    MercureClaims claims = hub.authorization().authorizeSubscriber(request);
    if (hub.config().subscriberKey() == null) {
      return;
    }
    if (claims == null) {
      throw HttpStatusException.unauthorized("missing subscriber token");
    }
    List<String> allowed = claims.subscribe() == null ? List.of() : claims.subscribe();
    if (!hub.selectors().matchesAny(allowed, List.of(rawPath(request)))) {
      throw HttpStatusException.forbidden("token does not allow reading " + rawPath(request));
    }
  }

  /** The path as sent, still percent-encoded: what Mercure clients put in their claims. */
  private static String rawPath(Request request) {
    String uri = request.uri();
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  private Response ldJson(Request request, String lastEventId, Object body) {
    String etag = "\"" + lastEventId + "\"";
    String ifNoneMatch = request.header("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals(lastEventId))) {
      return Response.builder(304).header("ETag", etag).build();
    }
    try {
      return Response.builder(200)
          .header("Content-Type", "application/ld+json")
          .header("ETag", etag)
          .body(hub.json().writeValueAsBytes(body))
          .build();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
