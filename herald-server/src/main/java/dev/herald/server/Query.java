package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter of a {@link Controller}'s route method to the first value of a query parameter:
 * {@code @Query("page") Integer page}.
 *
 * <p>When the query parameter is absent, a parameter of a reference type receives null and one of a
 * primitive type makes the request fail with {@code 400 Bad Request}.
 *
 * <p>Applies to parameters, which may be a {@link String}, {@code int}, {@code long}, {@code
 * boolean}, {@code double} (or their wrapper types), {@link java.util.UUID} or an enum (matched by
 * constant name, ignoring case when no name matches exactly). A value that cannot be converted is
 * answered with {@code 400 Bad Request} naming the query parameter and the expected type.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Query {
  /** Returns the name of the query parameter. */
  String value();
}
