package dev.herald.examples;

import dev.herald.server.HeraldServer;
import dev.herald.server.SignedLinks;
import java.time.Instant;
import java.util.Objects;

/**
 * The examples wired together from one {@link ExamplesConfig}: the controllers, their services and
 * the JWT guard, ready to be added to a {@link HeraldServer.Builder}.
 *
 * <p>Routes it adds:
 *
 * <ul>
 *   <li>{@code GET /}: the demo page;
 *   <li>{@code GET /sse}: {@code {"hello":"world"}} every tick;
 *   <li>{@code GET /notifications/feed}: events of type {@code message}, {@code alert} and {@code
 *       update} with ids and {@code retry};
 *   <li>{@code GET /notifications/me} and {@code POST /notifications/:userId}: per-user
 *       notifications behind a bearer JWT (HS256);
 *   <li>{@code POST /tasks} and {@code GET /tasks/:id/progress}: a task's progress, 0 to 100;
 *   <li>{@code POST /jobs}, {@code GET /jobs/:id/events} and {@code GET /jobs/:id/export}: the
 *       lesson's jobs: progress events, and a one-million-row CSV generated as it is sent, reached
 *       through the signed link {@code POST /jobs} answers with.
 * </ul>
 *
 * <p>The services live as long as this object; adding it to two builders makes the two servers
 * share them. Thread-safe.
 */
public final class Examples {
  private final JwtGuard jwtGuard;
  private final IntervalController interval;
  private final FeedController feed;
  private final NotificationsService notifications;
  private final TaskService tasks;
  private final PageController page;
  private final SignedLinks exportLinks;

  private Examples(ExamplesConfig config) {
    this.jwtGuard = new JwtGuard(config.jwtKey());
    this.interval = new IntervalController(config.tick());
    this.feed = new FeedController(config.tick());
    this.notifications = new NotificationsService();
    this.tasks = new TaskService(config.taskStep(), config.taskRetention());
    this.page = new PageController();
    this.exportLinks = SignedLinks.create(config.jwtKey());
  }

  /** Returns the examples for the configuration. */
  public static Examples create(ExamplesConfig config) {
    return new Examples(Objects.requireNonNull(config, "config"));
  }

  /**
   * Adds the examples' routes and guard to the builder and returns it. Leaves every other option of
   * the builder (host, port, heartbeat, …) as it is.
   */
  public HeraldServer.Builder configure(HeraldServer.Builder builder) {
    return builder
        .guard(jwtGuard)
        .controller(page)
        .controller(interval)
        .controller(feed)
        .controller(new NotificationsController(notifications))
        .controller(new TasksController(tasks))
        .controller(new JobsController(tasks, exportLinks));
  }

  /** Returns a bearer token for the user, signed with the configured key, valid until the time. */
  public String issueToken(String userId, Instant expiresAt) {
    return jwtGuard.issue(userId, Objects.requireNonNull(expiresAt, "expiresAt"));
  }

  IntervalController interval() {
    return interval;
  }

  NotificationsService notifications() {
    return notifications;
  }

  TaskService tasks() {
    return tasks;
  }
}
