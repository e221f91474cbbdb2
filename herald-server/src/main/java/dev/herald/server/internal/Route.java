package dev.herald.server.internal;

import dev.herald.server.Guard;
import dev.herald.server.Handler;
import dev.herald.server.SseHandler;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One route: a method, a path template and either a {@link Handler} or an {@link SseHandler}, with
 * the guards that run before it. Exactly one of {@code handler} and {@code sseHandler} is set.
 */
public record Route(
    String method,
    PathTemplate template,
    @Nullable Handler handler,
    @Nullable SseHandler sseHandler,
    List<Guard> guards) {

  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(template, "template");
    guards = List.copyOf(guards);
    if ((handler == null) == (sseHandler == null)) {
      throw new IllegalArgumentException("exactly one of handler and sseHandler");
    }
  }

  /** Returns a route answered with a single response. */
  public static Route of(String method, String path, Handler handler, List<Guard> guards) {
    return new Route(
        method, PathTemplate.parse(path), Objects.requireNonNull(handler, "handler"), null, guards);
  }

  /** Returns a {@code GET} route answered with an SSE stream. */
  public static Route sse(String path, SseHandler handler, List<Guard> guards) {
    return new Route(
        "GET", PathTemplate.parse(path), null, Objects.requireNonNull(handler, "handler"), guards);
  }

  /** Returns whether this route streams events. */
  public boolean isSse() {
    return sseHandler != null;
  }
}
