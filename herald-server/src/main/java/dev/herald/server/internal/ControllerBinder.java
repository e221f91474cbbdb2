package dev.herald.server.internal;

import dev.herald.server.Controller;
import dev.herald.server.Delete;
import dev.herald.server.Get;
import dev.herald.server.Guard;
import dev.herald.server.Post;
import dev.herald.server.Put;
import dev.herald.server.Request;
import dev.herald.server.Sse;
import dev.herald.server.UseGuards;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link Controller} objects into routes, once, when the server is built.
 *
 * <p>Each route method is unreflected into a {@link MethodHandle} bound to the controller, and each
 * of its parameters into a resolver; a request then only resolves the arguments and invokes the
 * handle. Exceptions the method throws reach the engine as they are. Guard instances are shared by
 * every controller this binder binds. Not thread-safe; the routes it returns are.
 */
public final class ControllerBinder {
  private static final List<Class<? extends Annotation>> ROUTE_ANNOTATIONS =
      List.of(Get.class, Post.class, Put.class, Delete.class, Sse.class);

  private final Map<Class<?>, Guard> registered;
  private final Map<Class<?>, Guard> created = new HashMap<>();

  /**
   * Creates a binder that finds guard instances among the given ones, by class, before creating.
   */
  public ControllerBinder(Map<Class<?>, Guard> guards) {
    this.registered = new LinkedHashMap<>(guards);
  }

  /**
   * Returns the routes of a controller, in the order of its methods' names.
   *
   * @throws IllegalArgumentException if the object's class is not annotated {@link Controller}, has
   *     no route method, a method cannot be bound (the message names it), two of its routes clash,
   *     or a guard can be neither found nor created (the message names it)
   */
  public List<Route> bind(Object controller) {
    Objects.requireNonNull(controller, "controller");
    Class<?> type = controller.getClass();
    Controller annotation = type.getAnnotation(Controller.class);
    if (annotation == null) {
      throw new IllegalArgumentException(name(type) + ": not annotated with @Controller");
    }
    List<Method> methods = routeMethods(type);
    if (methods.isEmpty()) {
      throw new IllegalArgumentException(
          name(type) + ": no method annotated with @Get, @Post, @Put, @Delete or @Sse");
    }
    List<Guard> classGuards = guards(name(type), type.getAnnotation(UseGuards.class));
    List<Route> routes = new ArrayList<>(methods.size());
    for (Method method : methods) {
      Route route = bind(controller, method, annotation.value(), classGuards);
      for (int i = 0; i < routes.size(); i++) {
        Route other = routes.get(i);
        if (other.method().equals(route.method()) && other.template().sameShape(route.template())) {
          throw new IllegalArgumentException(
              describe(method)
                  + ": "
                  + route.method()
                  + " "
                  + route.template()
                  + " clashes with "
                  + describe(methods.get(i)));
        }
      }
      routes.add(route);
    }
    return List.copyOf(routes);
  }

  private Route bind(Object controller, Method method, String prefix, List<Guard> classGuards) {
    String where = describe(method);
    Annotation routeAnnotation = routeAnnotation(where, method);
    String path = join(prefix, subPath(routeAnnotation));
    boolean sse = routeAnnotation instanceof Sse;
    List<Guard> guards = new ArrayList<>(classGuards);
    guards.addAll(guards(where, method.getAnnotation(UseGuards.class)));
    ControllerArguments.Resolver[] resolvers;
    try {
      PathTemplate.parse(path);
      if (sse) {
        checkPublisher(method.getReturnType());
      }
      resolvers = resolvers(method, path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    Invocation invocation = new Invocation(invoker(where, controller, method), resolvers);
    return sse
        ? Route.sse(path, invocation::invoke, guards)
        : Route.of(httpMethod(routeAnnotation), path, invocation::invoke, guards);
  }

  /** Returns the methods with a route annotation, the most derived declaration of each. */
  private static List<Method> routeMethods(Class<?> type) {
    Map<String, Method> bySignature = new HashMap<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method method : c.getDeclaredMethods()) {
        if (method.isBridge() || method.isSynthetic() || !hasRouteAnnotation(method)) {
          continue;
        }
        String signature = method.getName() + Arrays.toString(method.getParameterTypes());
        bySignature.putIfAbsent(signature, method);
      }
    }
    List<Method> methods = new ArrayList<>(bySignature.values());
    methods.sort(Comparator.comparing(Method::getName).thenComparing(ControllerBinder::describe));
    return methods;
  }

  private static boolean hasRouteAnnotation(Method method) {
    for (Class<? extends Annotation> kind : ROUTE_ANNOTATIONS) {
      if (method.isAnnotationPresent(kind)) {
        return true;
      }
    }
    return false;
  }

  private static Annotation routeAnnotation(String where, Method method) {
    List<Annotation> found = new ArrayList<>(1);
    for (Class<? extends Annotation> kind : ROUTE_ANNOTATIONS) {
      Annotation annotation = method.getAnnotation(kind);
      if (annotation != null) {
        found.add(annotation);
      }
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(
          where
              + ": more than one route annotation: "
              + found.stream()
                  .map(a -> "@" + a.annotationType().getSimpleName())
                  .collect(Collectors.joining(", ")));
    }
    return found.get(0);
  }

  private static String subPath(Annotation annotation) {
    if (annotation instanceof Get get) {
      return get.value();
    } else if (annotation instanceof Post post) {
      return post.value();
    } else if (annotation instanceof Put put) {
      return put.value();
    } else if (annotation instanceof Delete delete) {
      return delete.value();
    }
    return ((Sse) annotation).value();
  }

  private static String httpMethod(Annotation annotation) {
    return annotation.annotationType().getSimpleName().toUpperCase(Locale.ROOT);
  }

  /** Joins a prefix and a sub-path into a template: one leading slash, no repeated or trailing. */
  static String join(String prefix, String subPath) {
    StringBuilder path = new StringBuilder();
    for (String part : (prefix + "/" + subPath).split("/", -1)) {
      if (!part.isEmpty()) {
        path.append('/').append(part);
      }
    }
    return path.length() == 0 ? "/" : path.toString();
  }

  private static void checkPublisher(Class<?> returnType) {
    if (returnType != Object.class
        && !Flow.Publisher.class.isAssignableFrom(returnType)
        && !org.reactivestreams.Publisher.class.isAssignableFrom(returnType)
        && !CompletionStage.class.isAssignableFrom(returnType)) {
      throw new IllegalArgumentException(
          "@Sse method returns "
              + returnType.getSimpleName()
              + " (expected: a Flow.Publisher, an org.reactivestreams.Publisher, a CompletionStage"
              + " or Object)");
    }
  }

  private static ControllerArguments.Resolver[] resolvers(Method method, String path) {
    Set<String> pathParams = new HashSet<>();
    for (String segment : PathTemplate.split(path)) {
      if (segment.startsWith(":")) {
        pathParams.add(segment.substring(1));
      }
    }
    Parameter[] parameters = method.getParameters();
    ControllerArguments.Resolver[] resolvers = new ControllerArguments.Resolver[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      resolvers[i] = ControllerArguments.resolver(parameters[i], i, path, pathParams);
    }
    return resolvers;
  }

  /** Returns a handle of type {@code (Object[])Object} that calls the method on the controller. */
  private static MethodHandle invoker(String where, Object controller, Method method) {
    MethodHandle handle = unreflect(where, method);
    if (!Modifier.isStatic(method.getModifiers())) {
      handle = handle.bindTo(controller);
    }
    return handle
        .asSpreader(Object[].class, method.getParameterCount())
        .asType(MethodType.methodType(Object.class, Object[].class));
  }

  private static MethodHandle unreflect(String where, Method method) {
    if (Modifier.isPublic(method.getModifiers())
        && Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
      try {
        return MethodHandles.publicLookup().unreflect(method);
      } catch (IllegalAccessException e) {
        // A public class in a package its module does not export: try the deep route below.
      }
    }
    if (!method.trySetAccessible()) {
      throw new IllegalArgumentException(
          where
              + ": not accessible to Herald (expected: a public method of a public class in an"
              + " exported package, or a package open to Herald)");
    }
    try {
      return MethodHandles.lookup().unreflect(method);
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException(
          where + ": not accessible to Herald: " + e.getMessage(), e);
    }
  }

  private List<Guard> guards(String where, @Nullable UseGuards annotation) {
    if (annotation == null) {
      return List.of();
    }
    List<Guard> guards = new ArrayList<>(annotation.value().length);
    for (Class<? extends Guard> type : annotation.value()) {
      try {
        guards.add(guard(type));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e.getCause());
      }
    }
    return guards;
  }

  private Guard guard(Class<? extends Guard> type) {
    Guard guard = registered.get(type);
    if (guard == null) {
      guard = created.get(type);
    }
    if (guard != null) {
      return guard;
    }
    List<Guard> instances = new ArrayList<>(1);
    for (Guard candidate : registered.values()) {
      if (type.isInstance(candidate)) {
        instances.add(candidate);
      }
    }
    if (instances.size() > 1) {
      throw new IllegalArgumentException(
          "guard "
              + name(type)
              + ": "
              + instances.size()
              + " registered guards are instances of it (expected: one, or one of this exact"
              + " class)");
    }
    guard = instances.isEmpty() ? create(type) : instances.get(0);
    created.put(type, guard);
    return guard;
  }

  private static Guard create(Class<? extends Guard> type) {
    String notRegistered =
        "guard " + name(type) + ": not registered with HeraldServer.Builder.guard(Guard), and ";
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new IllegalArgumentException(notRegistered + "abstract");
    }
    Constructor<? extends Guard> constructor;
    try {
      constructor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(notRegistered + "no public no-argument constructor");
    }
    constructor.trySetAccessible(); // a public constructor of a nested or package-private class
    try {
      return constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          notRegistered + "its constructor failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(notRegistered + "cannot be created: " + e, e);
    }
  }

  /** Returns a method as {@code Class.method(ParamType, ...)}, for messages. */
  private static String describe(Method method) {
    return name(method.getDeclaringClass())
        + "."
        + method.getName()
        + Arrays.stream(method.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(", ", "(", ")"));
  }

  private static String name(Class<?> type) {
    String simple = type.getSimpleName();
    return simple.isEmpty() ? type.getName() : simple;
  }

  /** A bound route method: what runs per request. Thread-safe. */
  private static final class Invocation {
    private final MethodHandle invoker;
    private final ControllerArguments.Resolver[] resolvers;

    Invocation(MethodHandle invoker, ControllerArguments.Resolver[] resolvers) {
      this.invoker = invoker;
      this.resolvers = resolvers;
    }

    @Nullable Object invoke(Request request) throws Exception {
      Object[] arguments = new Object[resolvers.length];
      for (int i = 0; i < arguments.length; i++) {
        arguments[i] = resolvers[i].resolve(request);
      }
      try {
        return invoker.invokeExact(arguments);
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new UndeclaredThrowableException(t);
      }
    }
  }
}
