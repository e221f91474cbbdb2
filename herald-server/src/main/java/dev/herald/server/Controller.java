package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose methods answer requests, and gives their paths a common prefix: Herald's
 * {@code @Controller()}.
 *
 * <pre>{@code
 * @Controller("jobs")
 * @UseGuards(JwtGuard.class)
 * public final class JobsController {
 *   @Sse(":id/events")
 *   public Flow.Publisher<MessageEvent> events(@Param("id") String id, @LastEventId String last) {
 *     return jobs.progress(id, last);
 *   }
 *
 *   @Post
 *   public Job create(@Body JobRequest body, @Principal User user) {
 *     return jobs.start(body, user);
 *   }
 * }
 *
 * HeraldServer.builder().controller(new JobsController(jobs)).guard(new JwtGuard(key)).build();
 * }</pre>
 *
 * <p>Applies to classes. Each method annotated {@link Get}, {@link Post}, {@link Put}, {@link
 * Delete} or {@link Sse} becomes one route, bound once when {@link HeraldServer.Builder#build()}
 * runs; a method that cannot be bound makes it fail with a message naming the method. Route methods
 * may have any visibility if the class is open to Herald (always so on the class path); otherwise
 * the class and its route methods must be public. Requests may call a controller from many threads
 * at once.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Controller {
  /**
   * Returns the path prefix of every route in the class, such as {@code "notifications"}; default
   * {@code ""}, the root. Leading, trailing and repeated slashes do not matter.
   */
  String value() default "";
}
