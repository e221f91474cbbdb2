package dev.herald.hub.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures matching one topic against {@value #COUNT} template selectors and {@value #COUNT} exact
 * selectors with {@link TopicSelector} and {@link TopicSelectorCache}, against {@link Pattern}s
 * compiled from the same templates by {@link UriTemplateRegex} (the reference hub's regexes) and
 * against plain {@link String#equals}.
 *
 * <p>Templates: {@code https://example.com/p{A}/users/{id}/shelf{S}/{book}} for A and S in 0..99,
 * so the literal prefix takes 100 forms: 100 templates share the topic's prefix and reach the NFA,
 * one matches. Exact selectors: {@code https://example.com/p{A}/users/123/shelf{S}/456} with the
 * numbers filled in, one equal to the topic. Lives in the hub's internal package because {@link
 * UriTemplateRegex} is package-private there.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TopicMatchingBenchmark {
  /** Selectors of each kind. */
  static final int COUNT = 10_000;

  /** The topic every benchmark matches. */
  static final String TOPIC = "https://example.com/p17/users/123/shelf42/456";

  /** A field, not a constant, so that the JIT cannot fold it into the comparisons. */
  private String topic = TOPIC;

  private TopicSelector[] templates;
  private TopicSelector[] exact;
  private Pattern[] regexes;
  private String[] exactTexts;
  private String[] allTexts;
  private TopicSelectorCache roomyCache;
  private TopicSelectorCache defaultCache;

  /** Compiles every selector and checks that each way of matching finds the same matches. */
  @Setup
  public void setUp() {
    List<String> templateTexts = new ArrayList<>();
    List<String> exactList = new ArrayList<>();
    for (int a = 0; a < 100; a++) {
      for (int s = 0; s < 100; s++) {
        templateTexts.add("https://example.com/p" + a + "/users/{id}/shelf" + s + "/{book}");
        exactList.add("https://example.com/p" + a + "/users/123/shelf" + s + "/456");
      }
    }
    templates = templateTexts.stream().map(TopicSelector::of).toArray(TopicSelector[]::new);
    exact = exactList.stream().map(TopicSelector::of).toArray(TopicSelector[]::new);
    regexes = templateTexts.stream().map(UriTemplateRegex::compile).toArray(Pattern[]::new);
    exactTexts = exactList.toArray(String[]::new);
    List<String> all = new ArrayList<>(templateTexts);
    all.addAll(exactList);
    allTexts = all.toArray(String[]::new);
    roomyCache = new TopicSelectorCache(2 * COUNT);
    defaultCache = new TopicSelectorCache();
    check("templates", templates(), 1);
    check("baselineRegexTemplates", baselineRegexTemplates(), 1);
    check("exact", exact(), 1);
    check("baselineEqualsExact", baselineEqualsExact(), 1);
    check("cachedAll", cachedAll(), 2);
    check("cacheOverBound", cacheOverBound(), 2);
  }

  private static void check(String name, int matches, int expected) {
    if (matches != expected) {
      throw new IllegalStateException(name + ": " + matches + " matches (expected: " + expected);
    }
  }

  /** Matches the topic against the compiled template selectors. */
  @Benchmark
  public int templates() {
    int matches = 0;
    for (TopicSelector selector : templates) {
      if (selector.matches(topic)) {
        matches++;
      }
    }
    return matches;
  }

  /** Baseline: matches the topic against the templates' regexes with {@code java.util.regex}. */
  @Benchmark
  public int baselineRegexTemplates() {
    int matches = 0;
    for (Pattern regex : regexes) {
      if (regex.matcher(topic).matches()) {
        matches++;
      }
    }
    return matches;
  }

  /** Matches the topic against the compiled exact selectors. */
  @Benchmark
  public int exact() {
    int matches = 0;
    for (TopicSelector selector : exact) {
      if (selector.matches(topic)) {
        matches++;
      }
    }
    return matches;
  }

  /** Baseline: compares the topic with each exact selector's text. */
  @Benchmark
  public int baselineEqualsExact() {
    int matches = 0;
    for (String text : exactTexts) {
      if (text.equals(topic)) {
        matches++;
      }
    }
    return matches;
  }

  /**
   * Looks up all 20,000 selector texts in a cache that holds them all, then matches: the path of
   * {@link TopicSelectorCache#matchesAny} when every selector is cached.
   */
  @Benchmark
  public int cachedAll() {
    return matchThrough(roomyCache);
  }

  /**
   * The same through a cache with the default bound of 10,000: 20,000 distinct selectors empty it
   * every 10,000 insertions, so nearly every lookup compiles again.
   */
  @Benchmark
  public int cacheOverBound() {
    return matchThrough(defaultCache);
  }

  private int matchThrough(TopicSelectorCache cache) {
    int matches = 0;
    for (String text : allTexts) {
      if (cache.get(text).matches(topic)) {
        matches++;
      }
    }
    return matches;
  }
}
