package dev.herald.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs guards before the routes of a {@link Controller}: Herald's {@code @UseGuards()}.
 *
 * <p>Applies to controller classes, where it guards every route, and to route methods. The class's
 * guards run first, in the order given, then the method's. Each guard class is looked up among the
 * guards registered with {@link HeraldServer.Builder#guard(Guard)} (its exact class first, then the
 * one registered guard that is an instance of it); if none is registered, one instance is created
 * with its public no-argument constructor and shared by every route that names it. A guard class
 * that is neither registered nor creatable makes the server fail to build.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface UseGuards {
  /** Returns the guard classes, in the order they run. */
  Class<? extends Guard>[] value();
}
