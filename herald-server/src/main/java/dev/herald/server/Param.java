package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter of a {@link Controller}'s route method to a path parameter: {@code @Param("id")
 * long id} with the path {@code /jobs/:id} receives the segment that matched {@code :id}.
 *
 * <p>The name must appear in the route's path template, or the server fails to build.
 *
 * <p>Applies to parameters, which may be a {@link String}, {@code int}, {@code long}, {@code
 * boolean}, {@code double} (or their wrapper types), {@link java.util.UUID} or an enum (matched by
 * constant name, ignoring case when no name matches exactly). A value that cannot be converted is
 * answered with {@code 400 Bad Request} naming the path parameter and the expected type.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
  /** Returns the name of the path parameter, as in the path template without the colon. */
  String value();
}
