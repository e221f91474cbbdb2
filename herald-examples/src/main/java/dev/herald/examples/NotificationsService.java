package dev.herald.examples;

import dev.herald.server.HttpStatusException;
import dev.herald.sse.MessageEvent;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A notification bus with one multicast sink per user: NestJS's {@code NotificationsService} with
 * its {@code Map<number, Subject<MessageEvent>>}, minus the leak.
 *
 * <p>A user's sink is created when their first stream subscribes and removed when their last stream
 * goes away, so a user who closed every tab costs nothing. A notification for a user reaches every
 * stream of theirs open at that moment and no one else's; one sent while the user has no stream is
 * dropped (there is no history here; the Mercure hub has one). For more than one instance, the
 * sinks would be fed from a broker such as Redis pub/sub.
 *
 * <p>Each sink buffers at most {@link #BUFFER_SIZE} notifications for the user's slowest stream;
 * past that, {@link #push} refuses with {@code 503}. Thread-safe.
 */
final class NotificationsService {
  /** The most notifications held back for a user's slowest stream: {@value}. */
  static final int BUFFER_SIZE = 256;

  /** The data of one notification event. */
  record Notification(String message, String from) {}

  private final ConcurrentMap<String, Channel> channels = new ConcurrentHashMap<>();

  /**
   * Returns the user's notifications, from the moment of subscription; the stream never completes
   * on its own.
   */
  Flux<MessageEvent> stream(String userId) {
    return Flux.defer(
        () -> {
          Channel channel = acquire(userId);
          return channel.sink.asFlux().doFinally(signal -> release(userId, channel));
        });
  }

  /**
   * Sends a notification to every open stream of the user; returns how many streams it reached (0
   * when the user has none).
   *
   * @throws HttpStatusException with status 503 if one of the user's streams is too far behind
   */
  int push(String userId, Notification notification) {
    Channel channel = channels.get(userId);
    return channel == null ? 0 : channel.emit(MessageEvent.of(notification));
  }

  /** Returns the number of the user's streams open now. */
  int streams(String userId) {
    Channel channel = channels.get(userId);
    return channel == null ? 0 : channel.subscribers;
  }

  /** Returns the number of users with a sink: those with at least one stream open. */
  int users() {
    return channels.size();
  }

  private Channel acquire(String userId) {
    return channels.compute(
        userId,
        (id, existing) -> {
          Channel channel = existing == null ? new Channel() : existing;
          channel.subscribers++;
          return channel;
        });
  }

  private void release(String userId, Channel channel) {
    Channel[] removed = new Channel[1];
    channels.computeIfPresent(
        userId,
        (id, current) -> {
          if (current != channel || --current.subscribers > 0) {
            return current;
          }
          removed[0] = current;
          return null;
        });
    // Outside the map's lock: completing calls into subscribers.
    if (removed[0] != null) {
      removed[0].complete();
    }
  }

  /** One user's sink and the number of streams subscribed to it. */
  private static final class Channel {
    // autoCancel false: the sink must outlive a moment with no subscriber, since a new stream may
    // have acquired it already; release() decides when it ends.
    final Sinks.Many<MessageEvent> sink =
        Sinks.many().multicast().onBackpressureBuffer(BUFFER_SIZE, false);

    // Written only inside the map's compute functions for this user, which serialize them.
    volatile int subscribers;

    // Synchronized: a sink takes one emission at a time, and pushes for a user may race.
    synchronized int emit(MessageEvent event) {
      Sinks.EmitResult result = sink.tryEmitNext(event);
      if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
        throw new HttpStatusException(503, "too many undelivered notifications; try again later");
      }
      return result.isSuccess() ? sink.currentSubscriberCount() : 0;
    }

    synchronized void complete() {
      sink.tryEmitComplete();
    }
  }
}
