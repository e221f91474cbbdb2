package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes {@code GET} requests to the annotated method of a {@link Controller}, which answers with a
 * stream of Server-Sent Events: Herald's {@code @Sse()}. The path is the controller's prefix
 * followed by this annotation's value: {@code @Controller("jobs")} with {@code @Sse(":id/events")}
 * streams {@code GET /jobs/:id/events}.
 *
 * <p>Applies to methods. The method returns what an {@link SseHandler} returns, so its declared
 * return type must be a {@link java.util.concurrent.Flow.Publisher}, an {@code
 * org.reactivestreams.Publisher} (such as Reactor's {@code Flux}), a {@link
 * java.util.concurrent.CompletionStage}, or {@link Object} (then checked for each request);
 * otherwise the server fails to build. Its parameters are bound as for {@link Get}. A method
 * carries at most one route annotation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Sse {
  /**
   * Returns the sub-path under the controller's prefix, with {@code :name} for path parameters;
   * default {@code ""}, the prefix itself. Leading and trailing slashes do not matter.
   */
  String value() default "";
}
