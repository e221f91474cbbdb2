package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@link String} parameter of a {@link Controller}'s route method to the id of the last
 * event the client received ({@link Request#lastEventId()}), so that a stream can resume.
 *
 * <p>Applies to parameters of type {@link String}. The parameter receives null when the client
 * sends neither a {@code Last-Event-ID} header nor a {@code lastEventId} query parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface LastEventId {}
