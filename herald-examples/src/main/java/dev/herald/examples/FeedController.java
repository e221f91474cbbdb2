package dev.herald.examples;

import dev.herald.server.Controller;
import dev.herald.server.LastEventId;
import dev.herald.server.Sse;
import dev.herald.sse.MessageEvent;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Custom event types with ids and a reconnection time: {@code GET /notifications/feed} sends a demo
 * notification every tick, its type cycling through {@code message}, {@code alert} and {@code
 * update}.
 *
 * <pre>{@code
 * map(notification => ({
 *   data: notification, type: notification.type, id: notification.id, retry: 30000 }))
 * }</pre>
 *
 * <p>Each event carries its sequence number as its id and asks the browser to wait {@link #RETRY}
 * before reconnecting. A client that reconnects with {@code Last-Event-ID: n} continues at {@code n
 * + 1}, since the feed is a pure function of the sequence number. Thread-safe.
 */
@Controller("notifications")
final class FeedController {
  /** How long a browser waits before reconnecting: 30 seconds. */
  static final Duration RETRY = Duration.ofSeconds(30);

  /** The event types, in the order the feed cycles through them. */
  static final List<String> TYPES = List.of("message", "alert", "update");

  private static final List<String> TEXTS =
      List.of("a new message for you", "something needs your attention", "something changed");

  /** The data of one feed event. */
  record FeedItem(long id, String type, String text) {}

  private final Duration period;

  FeedController(Duration period) {
    this.period = period;
  }

  @Sse("feed")
  Flux<MessageEvent> feed(@LastEventId @Nullable String lastEventId) {
    long first = resumeAfter(lastEventId) + 1;
    return Flux.interval(Duration.ZERO, period).onBackpressureDrop().map(n -> event(first + n));
  }

  static MessageEvent event(long sequence) {
    int kind = (int) ((sequence - 1) % TYPES.size());
    String type = TYPES.get(kind);
    return MessageEvent.builder()
        .id(Long.toString(sequence))
        .type(type)
        .retry(RETRY)
        .data(new FeedItem(sequence, type, TEXTS.get(kind)))
        .build();
  }

  /** Returns the sequence number the client saw last; 0 for a new client or an id not ours. */
  private static long resumeAfter(@Nullable String lastEventId) {
    if (lastEventId == null) {
      return 0;
    }
    try {
      long seen = Long.parseLong(lastEventId);
      return seen < 0 || seen == Long.MAX_VALUE ? 0 : seen;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
