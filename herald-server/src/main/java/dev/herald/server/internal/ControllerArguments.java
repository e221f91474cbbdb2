package dev.herald.server.internal;

import dev.herald.server.Body;
import dev.herald.server.Header;
import dev.herald.server.HttpStatusException;
import dev.herald.server.LastEventId;
import dev.herald.server.Param;
import dev.herald.server.Principal;
import dev.herald.server.Query;
import dev.herald.server.Request;
import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns the parameters of a controller method into resolvers, once, at bind time; each resolver
 * then reads one argument from a request without any reflection.
 */
final class ControllerArguments {
  /** The longest client value echoed in a 400 message. */
  private static final int MAX_ECHOED_VALUE = 64;

  private static final List<Class<? extends Annotation>> BINDINGS =
      List.of(
          Param.class, Query.class, Header.class, Body.class, Principal.class, LastEventId.class);

  private static final String SUPPORTED =
      "String, int, long, boolean, double, their wrapper types, UUID or an enum";

  /** Reads one argument from a request. Thread-safe. */
  @FunctionalInterface
  interface Resolver {
    /**
     * Returns the argument, or null.
     *
     * @throws HttpStatusException if the request does not provide a usable value
     */
    @Nullable Object resolve(Request request);
  }

  /** Parses a text value into a parameter's type; {@code expected} names the type in messages. */
  private record Converter(String expected, Function<String, Object> parse) {}

  private ControllerArguments() {}

  /**
   * Returns the resolver for one parameter of a method bound to the given path.
   *
   * @throws IllegalArgumentException if the parameter cannot be bound; the message starts with
   *     {@code parameter N} and the caller adds the method's name
   */
  static Resolver resolver(Parameter parameter, int index, String path, Set<String> pathParams) {
    Annotation binding = binding(parameter, index);
    Class<?> type = parameter.getType();
    String where = "parameter " + index;
    if (binding == null) {
      if (type != Request.class) {
        throw new IllegalArgumentException(
            where
                + " has no @Param/@Query/@Header/@Body/@Principal/@LastEventId annotation and is"
                + " not a Request");
      }
      return request -> request;
    }
    if (binding instanceof Param param) {
      String name = param.value();
      if (!pathParams.contains(name)) {
        throw new IllegalArgumentException(
            where + ": @Param(\"" + name + "\") is not a parameter of the path " + path);
      }
      return text(where, "@Param", "path parameter", name, type, r -> r.pathParam(name));
    }
    if (binding instanceof Query query) {
      String name = query.value();
      return text(where, "@Query", "query parameter", name, type, r -> r.query(name));
    }
    if (binding instanceof Header header) {
      String name = header.value();
      return text(where, "@Header", "header", name, type, r -> r.header(name));
    }
    if (binding instanceof Body) {
      return body(type);
    }
    if (binding instanceof Principal) {
      return principal(where, type);
    }
    if (!type.isAssignableFrom(String.class)) {
      throw new IllegalArgumentException(
          where + ": @LastEventId " + type.getSimpleName() + " (expected: String)");
    }
    return Request::lastEventId;
  }

  private static @Nullable Annotation binding(Parameter parameter, int index) {
    List<Annotation> found = new ArrayList<>(1);
    for (Class<? extends Annotation> kind : BINDINGS) {
      Annotation annotation = parameter.getAnnotation(kind);
      if (annotation != null) {
        found.add(annotation);
      }
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(
          "parameter "
              + index
              + " has more than one of @Param/@Query/@Header/@Body/@Principal/@LastEventId");
    }
    return found.isEmpty() ? null : found.get(0);
  }

  private static Resolver text(
      String where,
      String annotation,
      String kind,
      String name,
      Class<?> type,
      Function<Request, @Nullable String> source) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException(where + ": " + annotation + " with an empty name");
    }
    Converter converter = converter(type);
    if (converter == null) {
      throw new IllegalArgumentException(
          where
              + ": "
              + annotation
              + "(\""
              + name
              + "\") "
              + type.getSimpleName()
              + " (expected: "
              + SUPPORTED
              + ")");
    }
    boolean required = type.isPrimitive();
    String missing = "missing " + kind + " " + name;
    String invalid = "invalid " + kind + " " + name + ": ";
    String expected = " (expected: " + converter.expected() + ")";
    return request -> {
      String value = source.apply(request);
      if (value == null) {
        if (required) {
          throw new HttpStatusException(400, missing);
        }
        return null;
      }
      try {
        return converter.parse().apply(value);
      } catch (IllegalArgumentException e) { // NumberFormatException too
        throw new HttpStatusException(400, invalid + echo(value) + expected);
      }
    };
  }

  private static @Nullable Converter converter(Class<?> type) {
    if (type == String.class) {
      return new Converter("a string", value -> value);
    } else if (type == int.class || type == Integer.class) {
      return new Converter("an int", Integer::valueOf);
    } else if (type == long.class || type == Long.class) {
      return new Converter("a long", Long::valueOf);
    } else if (type == double.class || type == Double.class) {
      return new Converter("a double", Double::valueOf);
    } else if (type == boolean.class || type == Boolean.class) {
      return new Converter("true or false", ControllerArguments::parseBoolean);
    } else if (type == UUID.class) {
      return new Converter("a UUID", UUID::fromString);
    } else if (type.isEnum()) {
      return enumConverter(type);
    }
    return null;
  }

  private static Boolean parseBoolean(String value) {
    if (value.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    } else if (value.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException(value);
  }

  private static Converter enumConverter(Class<?> type) {
    Enum<?>[] constants = (Enum<?>[]) type.getEnumConstants();
    List<String> names = new ArrayList<>(constants.length);
    for (Enum<?> constant : constants) {
      names.add(constant.name());
    }
    return new Converter(
        "one of " + String.join(", ", names), value -> parseEnum(constants, value));
  }

  private static Enum<?> parseEnum(Enum<?>[] constants, String value) {
    for (Enum<?> constant : constants) {
      if (constant.name().equals(value)) {
        return constant;
      }
    }
    Enum<?> match = null;
    for (Enum<?> constant : constants) {
      if (constant.name().equalsIgnoreCase(value)) {
        if (match != null) {
          throw new IllegalArgumentException("ambiguous: " + value);
        }
        match = constant;
      }
    }
    if (match == null) {
      throw new IllegalArgumentException(value);
    }
    return match;
  }

  private static Resolver body(Class<?> type) {
    if (type == String.class) {
      return Request::bodyText;
    } else if (type == byte[].class) {
      return Request::body;
    } else if (type.isPrimitive()) {
      Class<?> boxed = box(type);
      return request -> {
        Object value = request.bodyJson(boxed);
        if (value == null) {
          throw new HttpStatusException(400, "missing body (expected: " + type + ")");
        }
        return value;
      };
    }
    return request -> request.bodyJson(type);
  }

  private static Class<?> box(Class<?> primitive) {
    if (primitive == int.class) {
      return Integer.class;
    } else if (primitive == long.class) {
      return Long.class;
    } else if (primitive == double.class) {
      return Double.class;
    } else if (primitive == boolean.class) {
      return Boolean.class;
    } else if (primitive == float.class) {
      return Float.class;
    } else if (primitive == short.class) {
      return Short.class;
    } else if (primitive == byte.class) {
      return Byte.class;
    }
    return Character.class;
  }

  private static Resolver principal(String where, Class<?> type) {
    if (type.isPrimitive()) {
      throw new IllegalArgumentException(
          where + ": @Principal " + type + " (expected: a reference type)");
    }
    if (type == Object.class) {
      return Request::principal;
    }
    return request -> {
      Object principal = request.principal();
      // Absent, or established by a guard for another kind of client: not authenticated for this.
      if (!type.isInstance(principal)) {
        throw new HttpStatusException(401, "unauthenticated");
      }
      return principal;
    };
  }

  /** Returns a client's value shortened for a message, so a 400 body stays short. */
  private static String echo(String value) {
    if (value.length() <= MAX_ECHOED_VALUE) {
      return value;
    }
    int end = MAX_ECHOED_VALUE;
    if (Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end) + "…";
  }
}
