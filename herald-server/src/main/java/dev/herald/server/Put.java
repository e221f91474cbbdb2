package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes {@code PUT} requests to the annotated method of a {@link Controller}. The path is the
 * controller's prefix followed by this annotation's value: {@code @Controller("jobs")} with
 * {@code @Put(":id")} answers {@code PUT /jobs/:id}.
 *
 * <p>Applies to methods. The method's parameters are bound with {@link Param}, {@link Query},
 * {@link Header}, {@link Body}, {@link Principal} and {@link LastEventId}; a parameter of type
 * {@link Request} receives the request. It may return anything a {@link Handler} may return; a
 * {@code void} method answers {@code 204 No Content}. A method carries at most one route
 * annotation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Put {
  /**
   * Returns the sub-path under the controller's prefix, with {@code :name} for path parameters;
   * default {@code ""}, the prefix itself. Leading and trailing slashes do not matter.
   */
  String value() default "";
}
