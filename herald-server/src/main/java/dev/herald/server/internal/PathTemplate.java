package dev.herald.server.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A path template such as {@code /jobs/:id/events}: literal segments, and parameters that match one
 * whole segment each. Immutable.
 */
public final class PathTemplate {
  private final String text;
  private final String[] segments;
  private final boolean[] isParam;
  private final int literalCount;

  private PathTemplate(String text, String[] segments, boolean[] isParam, int literalCount) {
    this.text = text;
    this.segments = segments;
    this.isParam = isParam;
    this.literalCount = literalCount;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException if it does not start with {@code /}, has an empty or repeated
   *     parameter name, or an empty segment
   */
  public static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("path: " + template + " (expected: starts with /)");
    }
    List<String> parts = split(template);
    String[] segments = new String[parts.size()];
    boolean[] isParam = new boolean[parts.size()];
    Set<String> names = new HashSet<>();
    int literals = 0;
    for (int i = 0; i < segments.length; i++) {
      String part = parts.get(i);
      if (part.isEmpty()) {
        throw new IllegalArgumentException("path: " + template + " (expected: no empty segment)");
      }
      if (part.startsWith(":")) {
        String name = part.substring(1);
        if (name.isEmpty() || !names.add(name)) {
          throw new IllegalArgumentException(
              "path: " + template + " (expected: distinct, non-empty parameter names)");
        }
        segments[i] = name;
        isParam[i] = true;
      } else {
        segments[i] = part;
        literals++;
      }
    }
    return new PathTemplate(template, segments, isParam, literals);
  }

  /**
   * Returns the parameters if the decoded path matches, or null if it does not. A trailing slash is
   * not significant.
   */
  public @Nullable Map<String, String> match(List<String> pathSegments) {
    if (pathSegments.size() != segments.length) {
      return null;
    }
    Map<String, String> params = null;
    for (int i = 0; i < segments.length; i++) {
      String actual = pathSegments.get(i);
      if (isParam[i]) {
        if (actual.isEmpty()) {
          return null;
        }
        if (params == null) {
          params = new LinkedHashMap<>();
        }
        params.put(segments[i], actual);
      } else if (!segments[i].equals(actual)) {
        return null;
      }
    }
    return params == null ? Map.of() : params;
  }

  /** Returns the number of literal segments; more literal segments is a more specific match. */
  public int literalCount() {
    return literalCount;
  }

  /** Returns whether two templates match exactly the same paths. */
  public boolean sameShape(PathTemplate other) {
    if (other.segments.length != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      if (isParam[i] != other.isParam[i]
          || (!isParam[i] && !segments[i].equals(other.segments[i]))) {
        return false;
      }
    }
    return true;
  }

  /** Splits a path into its segments, ignoring the leading and one trailing slash. */
  public static List<String> split(String path) {
    List<String> parts = new ArrayList<>();
    int start = 1;
    int end = path.length();
    if (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    if (end <= 1) {
      return parts;
    }
    while (start <= end) {
      int slash = path.indexOf('/', start);
      if (slash < 0 || slash > end) {
        slash = end;
      }
      parts.add(path.substring(start, slash));
      start = slash + 1;
    }
    return parts;
  }

  @Override
  public String toString() {
    return text;
  }
}
