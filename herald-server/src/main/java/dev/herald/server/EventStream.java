package dev.herald.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A publisher of events together with how its response starts: extra response headers and an
 * optional priming comment. An {@link SseHandler} returns one when a bare publisher is not enough.
 *
 * <p>Immutable; {@link #header(String, String)} and {@link #primed()} return new instances.
 */
public final class EventStream {
  private final Object publisher;
  private final List<Map.Entry<String, String>> headers;
  private final boolean primed;

  private EventStream(Object publisher, List<Map.Entry<String, String>> headers, boolean primed) {
    this.publisher = publisher;
    this.headers = List.copyOf(headers);
    this.primed = primed;
  }

  /**
   * Returns a stream of the given publisher: a {@link java.util.concurrent.Flow.Publisher} or an
   * {@code org.reactivestreams.Publisher}.
   *
   * @throws IllegalArgumentException if it is neither
   */
  public static EventStream of(Object publisher) {
    Objects.requireNonNull(publisher, "publisher");
    if (!(publisher instanceof java.util.concurrent.Flow.Publisher)
        && !(publisher instanceof org.reactivestreams.Publisher)) {
      throw new IllegalArgumentException(
          "publisher: "
              + publisher.getClass().getName()
              + " (expected: a Flow.Publisher or an org.reactivestreams.Publisher)");
    }
    return new EventStream(publisher, List.of(), false);
  }

  /**
   * Returns a copy that sends the header with the response; a header the server sets by default
   * ({@code Cache-Control}, say) is replaced.
   *
   * @throws IllegalArgumentException if the name or value contains CR or LF
   */
  public EventStream header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.indexOf('\r') >= 0
        || name.indexOf('\n') >= 0
        || value.indexOf('\r') >= 0
        || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header contains CR or LF: " + name);
    }
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    return new EventStream(publisher, more, primed);
  }

  /**
   * Returns a copy whose body starts with an empty comment line ({@code :}), so that clients and
   * proxies see body bytes at once.
   */
  public EventStream primed() {
    return new EventStream(publisher, headers, true);
  }

  /** Returns the publisher. */
  public Object publisher() {
    return publisher;
  }

  /** Returns the extra headers, in order. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** Returns whether the body starts with an empty comment line. */
  public boolean isPrimed() {
    return primed;
  }
}
