package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TopicSelectorCacheTest {

  /** Ten thousand distinct selectors: a third templates, a third exact, a third invalid. */
  private static List<String> tenThousandSelectors() {
    List<String> selectors = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String base = "https://example.com/feeds/" + i;
      switch (i % 3) {
        case 0 -> selectors.add(base + "/{id}");
        case 1 -> selectors.add(base + "/1");
        default -> selectors.add(base + "/{bad");
      }
    }
    return selectors;
  }

  @Test
  void holdsTenThousandSelectorsAndMatchesOneTopicAgainstAll() {
    TopicSelectorCache cache = new TopicSelectorCache();
    List<String> selectors = tenThousandSelectors();
    List<TopicSelector> compiled = new ArrayList<>();
    for (String s : selectors) {
      compiled.add(cache.get(s));
    }
    assertThat(cache.size()).isEqualTo(10_000);
    for (int i = 0; i < selectors.size(); i++) {
      assertThat(cache.get(selectors.get(i))).isSameAs(compiled.get(i));
    }

    assertThat(matching(compiled, "https://example.com/feeds/42/1"))
        .containsExactly("https://example.com/feeds/42/{id}");
    assertThat(matching(compiled, "https://example.com/feeds/43/1"))
        .containsExactly("https://example.com/feeds/43/1");
    assertThat(matching(compiled, "https://example.com/feeds/44/{bad"))
        .containsExactly("https://example.com/feeds/44/{bad");
    assertThat(matching(compiled, "https://example.com/feeds/44/1")).isEmpty();
    assertThat(matching(compiled, "https://example.com/feeds/9999/"))
        .containsExactly("https://example.com/feeds/9999/{id}");

    assertThat(cache.matchesAny(selectors, List.of("nope", "https://example.com/feeds/42/1")))
        .isTrue();
    assertThat(cache.matchesAny(selectors, List.of("https://example.com/feeds/10000/1"))).isFalse();
    assertThat(cache.size()).isEqualTo(10_000);
  }

  private static List<String> matching(List<TopicSelector> selectors, String topic) {
    List<String> matched = new ArrayList<>();
    for (TopicSelector s : selectors) {
      if (s.matches(topic)) {
        matched.add(s.text());
      }
    }
    return matched;
  }

  @Test
  void staysBounded() {
    TopicSelectorCache cache = new TopicSelectorCache(3);
    for (int i = 0; i < 100; i++) {
      TopicSelector s = cache.get("https://example.com/" + i + "/{id}");
      assertThat(s.matches("https://example.com/" + i + "/x")).isTrue();
      assertThat(cache.size()).isBetween(1, 3);
    }
    assertThat(cache.maxSize()).isEqualTo(3);
    assertThat(new TopicSelectorCache().maxSize()).isEqualTo(TopicSelectorCache.DEFAULT_MAX_SIZE);
  }

  @Test
  void rejectsANonPositiveBound() {
    assertThatThrownBy(() -> new TopicSelectorCache(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSize: 0 (expected: > 0)");
  }

  @Test
  void matchesNothingWithoutSelectorsOrTopics() {
    TopicSelectorCache cache = new TopicSelectorCache();
    assertThat(cache.matchesAny(List.of(), List.of("a"))).isFalse();
    assertThat(cache.matchesAny(List.of("*"), List.of())).isFalse();
    assertThat(cache.matchesAny(List.of("*"), List.of("a"))).isTrue();
  }

  @Test
  void sharesOneCompiledSelectorBetweenThreads() throws Exception {
    TopicSelectorCache cache = new TopicSelectorCache(50);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  boolean all = true;
                  for (int i = 0; i < 2_000; i++) {
                    String selector = "https://example.com/" + (i % 200) + "/{id}";
                    all &= cache.get(selector).matches("https://example.com/" + (i % 200) + "/7");
                  }
                  return all;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.size()).isLessThanOrEqualTo(50 + 4);
  }
}
