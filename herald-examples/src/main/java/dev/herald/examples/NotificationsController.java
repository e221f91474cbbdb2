package dev.herald.examples;

import dev.herald.server.Body;
import dev.herald.server.Controller;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Param;
import dev.herald.server.Post;
import dev.herald.server.Principal;
import dev.herald.server.Response;
import dev.herald.server.Sse;
import dev.herald.server.UseGuards;
import dev.herald.sse.MessageEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Per-user notifications behind a JWT guard, as in the NestJS lesson:
 *
 * <ul>
 *   <li>{@code GET /notifications/me} streams the notifications of the user the bearer token names,
 *       on every tab they open;
 *   <li>{@code POST /notifications/:userId} with {@code {"message":"..."}} sends one to that user
 *       and answers {@code 202} with {@code {"userId":..,"delivered":n}}, the number of streams it
 *       reached.
 * </ul>
 *
 * <p>Both routes need a valid token: any signed-in user may notify any other (as in a chat), and
 * the notification says who sent it. A real application would check a role before letting one user
 * write to another's stream. Browsers' {@code EventSource} cannot send an {@code Authorization}
 * header; such pages use a {@code fetch}-based client, or the Mercure hub's cookie authorization.
 * Thread-safe.
 */
@Controller("notifications")
@UseGuards(JwtGuard.class)
final class NotificationsController {
  /** The longest message accepted, in characters: {@value}. */
  static final int MAX_MESSAGE_LENGTH = 2000;

  /** The body of {@code POST /notifications/:userId}. */
  record NotifyRequest(@Nullable String message) {}

  /** The answer to {@code POST /notifications/:userId}. */
  record Delivery(String userId, int delivered) {}

  private final NotificationsService notifications;

  NotificationsController(NotificationsService notifications) {
    this.notifications = notifications;
  }

  @Sse("me")
  Flux<MessageEvent> me(@Principal String userId) {
    return notifications.stream(userId);
  }

  @Post(":userId")
  Response notify(
      @Param("userId") String userId, @Body NotifyRequest request, @Principal String sender) {
    String message = request.message();
    if (message == null || message.isBlank()) {
      throw HttpStatusException.badRequest("message: missing (expected: a non-empty string)");
    }
    if (message.length() > MAX_MESSAGE_LENGTH) {
      throw HttpStatusException.badRequest(
          "message: "
              + message.length()
              + " characters (expected: at most "
              + MAX_MESSAGE_LENGTH
              + ")");
    }
    int delivered =
        notifications.push(userId, new NotificationsService.Notification(message, sender));
    return Response.builder(202).json(new Delivery(userId, delivered)).build();
  }
}
