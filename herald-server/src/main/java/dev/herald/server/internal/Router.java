package dev.herald.server.internal;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Finds the route for a method and path. Routes with more literal segments win over routes with
 * parameters ({@code /jobs/latest} over {@code /jobs/:id}). Immutable; built once at start-up.
 */
final class Router {
  private final List<Route> routes;

  Router(List<Route> routes) {
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Comparator.comparingInt((Route r) -> r.template().literalCount()).reversed());
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        Route a = sorted.get(i);
        Route b = sorted.get(j);
        if (a.method().equals(b.method()) && a.template().sameShape(b.template())) {
          throw new IllegalArgumentException(
              "routes clash: " + a.method() + " " + a.template() + " and " + b.template());
        }
      }
    }
    this.routes = List.copyOf(sorted);
  }

  /** The outcome of a lookup: a route with its parameters, or the methods the path allows. */
  record Match(@Nullable Route route, Map<String, String> params, List<String> allowed) {}

  /**
   * Returns the match for a request; {@code route} is null when nothing matches, and then {@code
   * allowed} lists the methods of routes whose path matches (empty: 404; else 405).
   */
  Match find(String method, String rawPath) {
    List<String> segments = decodedSegments(rawPath);
    String lookup = method.equals("HEAD") ? "GET" : method;
    TreeSet<String> allowed = null;
    for (Route route : routes) {
      Map<String, String> params = route.template().match(segments);
      if (params == null) {
        continue;
      }
      if (route.method().equals(lookup)) {
        return new Match(route, params, List.of());
      }
      if (allowed == null) {
        allowed = new TreeSet<>();
      }
      allowed.add(route.method());
      if (route.method().equals("GET")) {
        allowed.add("HEAD");
      }
    }
    return new Match(null, Map.of(), allowed == null ? List.of() : List.copyOf(allowed));
  }

  private static List<String> decodedSegments(String rawPath) {
    List<String> raw = PathTemplate.split(rawPath);
    List<String> decoded = new ArrayList<>(raw.size());
    for (String segment : raw) {
      decoded.add(
          segment.indexOf('%') < 0
              ? segment
              : new QueryStringDecoder("/" + segment).path().substring(1));
    }
    return decoded;
  }
}
