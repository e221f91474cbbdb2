package dev.herald.hub.internal;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of compiled {@link TopicSelector}s keyed by their text, so that selectors
 * repeated across subscriptions and tokens are compiled once. Thread-safe; lookups of cached
 * selectors take no lock.
 *
 * <p>Bounding is deliberately simple: when a new selector arrives and the cache already holds
 * {@link #maxSize()} entries, about a tenth of them are evicted first. Concurrent insertions may
 * overshoot the bound by at most the number of inserting threads. Selectors handed out stay valid
 * after eviction; only the compilation work is shared.
 */
public final class TopicSelectorCache {
  /** The default bound, {@value}, used by {@link #TopicSelectorCache()}. */
  public static final int DEFAULT_MAX_SIZE = 10_000;

  private final int maxSize;
  private final ConcurrentHashMap<String, TopicSelector> selectors = new ConcurrentHashMap<>();

  /** Creates a cache bounded to {@link #DEFAULT_MAX_SIZE} entries. */
  public TopicSelectorCache() {
    this(DEFAULT_MAX_SIZE);
  }

  /**
   * Creates a cache bounded to {@code maxSize} entries.
   *
   * @throws IllegalArgumentException if {@code maxSize} is not positive
   */
  public TopicSelectorCache(int maxSize) {
    if (maxSize <= 0) {
      throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: > 0)");
    }
    this.maxSize = maxSize;
  }

  /** Returns the bound on the number of cached selectors. */
  public int maxSize() {
    return maxSize;
  }

  /** Returns the number of cached selectors. */
  public int size() {
    return selectors.size();
  }

  /** Returns the compiled form of {@code selector}, compiling and caching it if needed. */
  /**
   * Removes about a tenth of the entries, in the map's iteration order, so that a working set a
   * little larger than the bound costs a few recompilations rather than emptying the whole cache.
   */
  private void evictSome() {
    int toRemove = Math.max(1, maxSize / 10);
    Iterator<String> keys = selectors.keySet().iterator();
    while (toRemove-- > 0 && keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }

  public TopicSelector get(String selector) {
    Objects.requireNonNull(selector, "selector");
    TopicSelector cached = selectors.get(selector);
    if (cached != null) {
      return cached;
    }
    TopicSelector compiled = TopicSelector.of(selector);
    if (selectors.size() >= maxSize) {
      evictSome();
    }
    TopicSelector raced = selectors.putIfAbsent(selector, compiled);
    return raced != null ? raced : compiled;
  }

  /**
   * Returns whether any of {@code topics} matches any of {@code selectors}; {@code false} if either
   * list is empty. This is the reference hub's rule for both subscriptions (a canonical or an
   * alternate topic matches a {@code topic} parameter) and {@code mercure.subscribe} claims.
   */
  public boolean matchesAny(List<String> selectors, List<String> topics) {
    Objects.requireNonNull(selectors, "selectors");
    Objects.requireNonNull(topics, "topics");
    if (topics.isEmpty()) {
      return false;
    }
    for (String text : selectors) {
      TopicSelector selector = get(text);
      for (String topic : topics) {
        if (selector.matches(topic)) {
          return true;
        }
      }
    }
    return false;
  }
}
