package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Mercure topic matching (digest part 2), as the reference hub does it. */
class TopicSelectorTest {
  private static final String BOOKS = "https://example.com/books/{id}";

  private static boolean matches(String selector, String topic) {
    return TopicSelector.of(selector).matches(topic);
  }

  @Nested
  class DigestPart2 {
    @Test
    void wildcardMatchesEveryTopic() {
      TopicSelector all = TopicSelector.of("*");
      assertThat(all.isWildcard()).isTrue();
      assertThat(all.isExact()).isFalse();
      assertThat(all.matches("https://example.com/books/1")).isTrue();
      assertThat(all.matches("")).isTrue();
      assertThat(all.matches("{x}")).isTrue();
      assertThat(all.matches("not a URI at all")).isTrue();
    }

    @Test
    void aSelectorWithoutBraceMatchesOnlyTheSameBytes() {
      TopicSelector exact = TopicSelector.of("https://example.com/books/1");
      assertThat(exact.isExact()).isTrue();
      assertThat(exact.isWildcard()).isFalse();
      assertThat(exact.matches("https://example.com/books/1")).isTrue();
      assertThat(exact.matches("https://example.com/Books/1")).isFalse();
      assertThat(exact.matches("HTTPS://EXAMPLE.COM/books/1")).isFalse();
      assertThat(exact.matches("https://example.com/books/%31")).isFalse();
      assertThat(exact.matches("https://example.com/books/1/")).isFalse();
      assertThat(exact.matches("https://example.com:443/books/1")).isFalse();
      assertThat(exact.matches("/books/1")).isFalse();
      assertThat(matches("/books/1", "https://example.com/books/1")).isFalse();
      assertThat(matches("**", "anything")).isFalse();
    }

    @Test
    void aTemplateMatchesExpansionsIncludingEmptyValues() {
      TopicSelector books = TopicSelector.of(BOOKS);
      assertThat(books.isExact()).isFalse();
      assertThat(books.matches("https://example.com/books/1")).isTrue();
      assertThat(books.matches("https://example.com/books/")).isTrue();
      assertThat(books.matches("https://example.com/books/a,b")).isTrue();
      assertThat(books.matches("https://example.com/books/a-b.c_d~e")).isTrue();
    }

    @Test
    void aSimpleValueHoldsNoSlashAndNoRawNonAscii() {
      TopicSelector books = TopicSelector.of(BOOKS);
      assertThat(books.matches("https://example.com/books/1/reviews")).isFalse();
      assertThat(books.matches("https://example.com/books/café")).isFalse();
      assertThat(books.matches("https://example.com/books/caf%C3%A9")).isTrue();
      assertThat(books.matches("https://example.com/books/caf%c3%a9")).isTrue();
      assertThat(books.matches("https://example.com/books/caf%C3%A")).isFalse();
      assertThat(books.matches("https://example.com/books/a=b")).isFalse();
      assertThat(books.matches("https://example.com/books/1?x")).isFalse();
      assertThat(books.matches("https://example.com/books/1\n")).isFalse();
      assertThat(books.matches("https://example.com/books")).isFalse();
      assertThat(books.matches("http://example.com/books/1")).isFalse();
    }

    @Test
    void literalPercentTripletsMatchOnlyThemselves() {
      TopicSelector encoded = TopicSelector.of("https://example.com/%41/{id}");
      assertThat(encoded.matches("https://example.com/%41/1")).isTrue();
      assertThat(encoded.matches("https://example.com/A/1")).isFalse();
      assertThat(encoded.matches("https://example.com/%61/1")).isFalse();
      assertThat(matches("https://example.com/%c3%a9/{id}", "https://example.com/%C3%A9/1"))
          .isFalse();
    }

    @Test
    void aReservedExpansionMatchesAcrossSlashes() {
      TopicSelector path = TopicSelector.of("https://example.com/{+path}");
      assertThat(path.matches("https://example.com/a/b/c")).isTrue();
      assertThat(path.matches("https://example.com/a/b?c=d#e")).isTrue();
      assertThat(path.matches("https://example.com/")).isTrue();
      assertThat(path.matches("https://example.com/a b")).isFalse();
    }

    @Test
    void aQueryExpansionIgnoresTheVariableName() {
      TopicSelector users = TopicSelector.of("https://example.com/users/foo/{?topic}");
      assertThat(
              users.matches(
                  "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1"))
          .isTrue();
      assertThat(users.matches("https://example.com/users/foo/?foo=bar")).isTrue();
      assertThat(users.matches("https://example.com/users/foo/")).isTrue();
      assertThat(users.matches("https://example.com/users/foo/?topic=https://example.com/books/1"))
          .isFalse();
      assertThat(users.matches("https://example.com/users/foo/?topic=a&other=b")).isFalse();
    }

    @Test
    void aTemplateMatchesItsOwnTextThoughTheRegexDoesNot() {
      TopicSelector books = TopicSelector.of(BOOKS);
      assertThat(books.matches(BOOKS)).isTrue();
      assertThat(UriTemplateRegex.compile(BOOKS).matcher(BOOKS).matches()).isFalse();
      assertThat(books.matches("https://example.com/books/{other}")).isFalse();
    }

    @Test
    void anInvalidTemplateMatchesOnlyItself() {
      for (String invalid :
          List.of("fau{lty", "https://example.com/{a b}", "https://example.com/{x}|", "'{x}'")) {
        TopicSelector selector = TopicSelector.of(invalid);
        assertThat(selector.isExact()).as(invalid).isTrue();
        assertThat(selector.matches(invalid)).as(invalid).isTrue();
        assertThat(selector.matches(invalid + "x")).as(invalid).isFalse();
        assertThat(selector.matches("")).as(invalid).isFalse();
      }
      assertThat(matches("https://example.com/{id}%", "https://example.com/1%")).isFalse();
    }
  }

  /** The digest's interoperability tests 18 to 22, at the level of selectors and topics. */
  @Nested
  class InteropTests {
    private final TopicSelectorCache cache = new TopicSelectorCache();

    @Test
    void interop18MatchesOnlyExpansionsOfTheTemplate() {
      assertThat(matches(BOOKS, "https://example.com/books/1")).isTrue();
      assertThat(matches(BOOKS, "https://example.com/books/")).isTrue();
      assertThat(matches(BOOKS, "https://example.com/books/1/reviews")).isFalse();
      assertThat(matches(BOOKS, "https://example.com/books/café")).isFalse();
      assertThat(matches(BOOKS, "https://example.com/books/caf%C3%A9")).isTrue();
    }

    @Test
    void interop19MatchesAnInvalidTemplateOnlyByItsText() {
      String selector = "http://example.com/hub?topic=faulty{iri";
      assertThat(TopicSelector.of(selector).isExact()).isTrue();
      assertThat(matches(selector, selector)).isTrue();
      assertThat(matches(selector, "http://example.com/hub?topic=faultyiri")).isFalse();
    }

    @Test
    void interop20MatchesWildcardAnySelectorAndAlternateTopics() {
      assertThat(cache.matchesAny(List.of("*"), List.of("https://example.com/anything"))).isTrue();
      List<String> ab = List.of("a", "b");
      assertThat(cache.matchesAny(ab, List.of("a"))).isTrue();
      assertThat(cache.matchesAny(ab, List.of("b"))).isTrue();
      assertThat(cache.matchesAny(ab, List.of("c"))).isFalse();
      assertThat(cache.matchesAny(ab, List.of("x", "a"))).isTrue();
    }

    @Test
    void interop21NeedsAClaimMatchingThePrivateTopic() {
      List<String> subscribed = List.of("http://example.com/reviews/{id}");
      List<String> claim =
          List.of("http://example.com/reviews/22", "http://example.com/reviews/23");
      for (int id = 21; id <= 23; id++) {
        List<String> topics = List.of("http://example.com/reviews/" + id);
        assertThat(cache.matchesAny(subscribed, topics)).isTrue();
        assertThat(cache.matchesAny(claim, topics)).as("review %d", id).isEqualTo(id != 21);
      }
    }

    @Test
    void interop22AcceptsAClaimMatchingOnlyTheAlternateTopic() {
      List<String> subscribed = List.of(BOOKS);
      List<String> claim = List.of("https://example.com/users/foo/{?topic}");
      List<String> withAlternate =
          List.of(
              "https://example.com/books/1",
              "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1");
      List<String> withoutAlternate = List.of("https://example.com/books/1");

      assertThat(cache.matchesAny(subscribed, withAlternate)).isTrue();
      assertThat(cache.matchesAny(claim, withAlternate)).isTrue();
      assertThat(cache.matchesAny(subscribed, withoutAlternate)).isTrue();
      assertThat(cache.matchesAny(claim, withoutAlternate)).isFalse();
    }
  }

  /**
   * The reference hub's own tests: {@code topic_selector_test.go} and {@code subscriber_test.go}.
   */
  @Nested
  class ReferenceHubTests {
    @Test
    void matchesLikeTestMatchInTopicSelectorTestGo() {
      assertThat(matches("https://example.com/{foo}/bar", "https://example.com/foo/bar")).isTrue();
      assertThat(matches("https://example.com/{foo}/bar", "https://example.com/foo/bar/baz"))
          .isFalse();
      assertThat(
              matches(
                  "https://example.com/{fistname}/{lastname}", "https://example.com/kevin/dunglas"))
          .isTrue();
      assertThat(matches("*", "https://example.com/foo/bar")).isTrue();
      assertThat(matches("https://example.com/foo/bar", "https://example.com/foo/bar")).isTrue();
      assertThat(matches("foo", "foo")).isTrue();
      assertThat(matches("bar", "foo")).isFalse();
    }

    @Test
    void matchesLikeTestIsSubscribedInSubscriberTestGo() {
      TopicSelectorCache cache = new TopicSelectorCache();
      List<String> selectors = List.of("foo", "bar");
      assertThat(cache.matchesAny(selectors, List.of("baz", "bat"))).isFalse();
      assertThat(cache.matchesAny(selectors, List.of("baz", "bar"))).isTrue();
      assertThat(cache.matchesAny(selectors, List.of("bar", "qux"))).isTrue();
    }

    @Test
    void matchesLikeTestMatchTopicInSubscriberTestGo() {
      TopicSelectorCache cache = new TopicSelectorCache();
      List<String> subscribed = List.of("https://example.com/no-match", BOOKS);
      List<String> claim = List.of("https://example.com/users/foo/{?topic}");
      // Match = subscribed AND (public OR claimed).
      assertThat(cache.matchesAny(subscribed, List.of("https://example.com/not-subscribed")))
          .isFalse();
      assertThat(cache.matchesAny(subscribed, List.of("https://example.com/no-match"))).isTrue();
      assertThat(cache.matchesAny(claim, List.of("https://example.com/no-match"))).isFalse();
      assertThat(cache.matchesAny(subscribed, List.of("https://example.com/books/1"))).isTrue();
      assertThat(cache.matchesAny(claim, List.of("https://example.com/books/1"))).isFalse();
    }
  }

  @Test
  void keepsTheTextAndComparesByIt() {
    TopicSelector a = TopicSelector.of(BOOKS);
    assertThat(a.text()).isEqualTo(BOOKS);
    assertThat(a).hasToString(BOOKS);
    assertThat(a).isEqualTo(TopicSelector.of(BOOKS)).hasSameHashCodeAs(TopicSelector.of(BOOKS));
    assertThat(a).isNotEqualTo(TopicSelector.of("https://example.com/books/{other}"));
  }

  @Test
  void rejectsNulls() {
    assertThatThrownBy(() -> TopicSelector.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("selector");
    assertThatThrownBy(() -> TopicSelector.of(BOOKS).matches(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("topic");
  }

  @Property
  void aSelectorWithoutBraceMatchesExactlyItself(
      @ForAll("literals") String selector, @ForAll("literals") String other) {
    TopicSelector s = TopicSelector.of(selector);
    assertThat(s.isExact()).isTrue();
    assertThat(s.matches(selector)).isTrue();
    assertThat(s.matches(other)).isEqualTo(selector.equals(other));
    assertThat(s.matches(selector + other)).isEqualTo(other.isEmpty());
  }

  @Provide
  Arbitrary<String> literals() {
    // Any string without '{' except "*", which is the wildcard.
    return Arbitraries.strings()
        .all()
        .ofMaxLength(40)
        .map(s -> s.replace('{', '['))
        .filter(s -> !s.equals("*"));
  }

  @Property
  void anyUnreservedValueExpandsToAMatchingTopic(@ForAll("unreserved") String value) {
    assertThat(matches(BOOKS, "https://example.com/books/" + value)).isTrue();
  }

  @Provide
  Arbitrary<String> unreserved() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .withCharRange('0', '9')
        .withChars("-._~")
        .ofMaxLength(60);
  }

  @Property
  void anyValueExpandedPerRfc6570Matches(@ForAll String value) {
    assertThat(matches(BOOKS, "https://example.com/books/" + expandSimple(value))).isTrue();
    assertThat(matches("https://example.com/{+path}", "https://example.com/" + expandSimple(value)))
        .isTrue();
  }

  /** RFC 6570 simple string expansion: UTF-8, every byte but an unreserved one as {@code %XX}. */
  private static String expandSimple(String value) {
    StringBuilder b = new StringBuilder();
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }
}
