package dev.herald.examples;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on {@code SIGTERM} and {@code SIGINT} instead of the JVM's default, so that a
 * program can stop gracefully and still exit with code 0.
 *
 * <p>The JVM's own handler runs the shutdown hooks and then exits with 128 + the signal number (143
 * for {@code SIGTERM}), and a hook cannot change that code. The only way to replace the handler is
 * {@code sun.misc.Signal}, from the {@code jdk.unsupported} module; it is reached by reflection
 * because javac warns about any direct use, and the build treats warnings as errors.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Makes each of the named signals ({@code "TERM"}, {@code "INT"}) run the action on a thread of
   * the JVM's, except those the process was started with ignored (as a shell does for {@code
   * SIGINT} of a background job); returns false if this JVM does not let a program handle them.
   */
  static boolean handle(Runnable action, String... names) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object handler =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handlerType},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  action.run();
                  return null;
                }
                return objectMethod(proxy, method, args);
              });
      Method handle = signalType.getMethod("handle", signalType, handlerType);
      Object ignore = handlerType.getField("SIG_IGN").get(null);
      for (String signalName : names) {
        Object signal = signalType.getConstructor(String.class).newInstance(signalName);
        Object previous = handle.invoke(null, signal, handler);
        // A signal the parent ignores (SIGINT of a background job) stays ignored.
        if (previous == ignore) {
          handle.invoke(null, signal, ignore);
        }
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("cannot handle signals {}", String.join(", ", names), e);
      return false;
    }
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "SignalHandler(" + Signals.class.getName() + ")";
    }
  }
}
