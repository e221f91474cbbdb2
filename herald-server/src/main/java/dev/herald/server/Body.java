package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter of a {@link Controller}'s route method to the request body.
 *
 * <p>Applies to parameters. A {@link String} parameter receives the body decoded as UTF-8, a {@code
 * byte[]} parameter its bytes, and a parameter of any other type the body read as JSON with {@link
 * Request#bodyJson(Class)}, which answers {@code 400 Bad Request} if it does not fit. Type
 * arguments are not used for JSON: a {@code List<Job>} parameter receives a list of maps. A JSON
 * {@code null} for a primitive parameter is answered with {@code 400 Bad Request}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Body {}
