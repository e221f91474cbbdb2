package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter of a {@link Controller}'s route method to the principal a {@link Guard}
 * established ({@link Request#principal()}).
 *
 * <p>Applies to parameters of a reference type. A parameter of type {@link Object} receives the
 * principal, or null if no guard established one. A parameter of any other type makes the route
 * require a principal of that type: without one, or with one of another type, the request is
 * answered with {@code 401 Unauthorized} and the message {@code unauthenticated}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Principal {}
