package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The linear-time matcher accepts exactly what the library's regex accepts, including on inputs
 * that make {@code java.util.regex} backtrack for ages.
 */
class UriTemplateMatcherTest {
  private static final String ALPHABET = "az09-._~,=&?;#/:%4Cé!+*$ \n";

  private static boolean nfa(String template, String s) {
    return UriTemplateMatcher.compile(UriTemplate.parse(template)).matches(s);
  }

  @Property(tries = 2000)
  void agreesWithTheRegexOnRandomTopics(
      @ForAll("templates") String template, @ForAll("topics") String topic) {
    assertSameAnswer(template, topic);
  }

  @Property(tries = 2000)
  void agreesWithTheRegexOnNearExpansions(
      @ForAll("templates") String template, @ForAll("values") List<String> values) {
    // Literals kept, each expression replaced by an arbitrary value: matches often, not always.
    Matcher expressions = Pattern.compile("\\{[^}]*}").matcher(template);
    StringBuilder topic = new StringBuilder();
    int i = 0;
    while (expressions.find()) {
      expressions.appendReplacement(
          topic, Matcher.quoteReplacement(values.get(i++ % values.size())));
    }
    expressions.appendTail(topic);
    assertSameAnswer(template, topic.toString());
    // Both answers must be well represented (about half each), or the comparison proves little.
    Statistics.coverage(
        coverage -> {
          coverage.check("match").percentage(p -> p >= 20);
          coverage.check("no match").percentage(p -> p >= 20);
        });
  }

  private static void assertSameAnswer(String template, String topic) {
    boolean expected = UriTemplateRegex.compile(template).matcher(topic).matches();
    UriTemplateMatcher matcher = UriTemplateMatcher.compile(UriTemplate.parse(template));
    assertThat(matcher.matches(topic)).as("%s ~ %s", template, topic).isEqualTo(expected);
    assertThat(matcher.matchesWithLists(topic)).as("%s ~ %s", template, topic).isEqualTo(expected);
    Statistics.collect(expected ? "match" : "no match");
  }

  @Provide
  Arbitrary<String> templates() {
    Arbitrary<String> literal =
        Arbitraries.of(
                "a", "b", "/", ".", ",", "=", "&", "?", ";", "#", ":", "%2C", "%4c", "é", "-")
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join("", l));
    Arbitrary<String> varspec = Arbitraries.of("x", "y", "x*", "y*", "x:2", "a.b", "%41");
    Arbitrary<String> operator = Arbitraries.of("", "+", "#", ".", "/", ";", "?", "&");
    Arbitrary<String> expression =
        Combinators.combine(operator, varspec.list().ofMinSize(1).ofMaxSize(3))
            .as((op, vars) -> "{" + op + String.join(",", vars) + "}");
    return Arbitraries.oneOf(literal, expression)
        .list()
        .ofMaxSize(4)
        .map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> topics() {
    return Arbitraries.strings().withChars(ALPHABET).ofMaxLength(12);
  }

  @Provide
  Arbitrary<List<String>> values() {
    return Arbitraries.strings()
        .withChars(ALPHABET)
        .ofMaxLength(6)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  // The next tests take hours or years, or overflow the stack, with java.util.regex. The timeout
  // only keeps a regression from hanging the build; it measures nothing.

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void rejectsManySeparatorsWithoutBacktracking() {
    assertThat(nfa("{list*}", ",".repeat(10_000) + "!")).isFalse();
    assertThat(nfa("{list*}", ",".repeat(10_000))).isTrue();
    assertThat(nfa("{.a,b,c,d,e,f,g,h}", ".".repeat(10_000) + "!")).isFalse();
    assertThat(nfa("{+path*}", "/,".repeat(10_000) + " ")).isFalse();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void rejectsManyAdjacentExpressionsWithoutBacktracking() {
    StringBuilder template = new StringBuilder("https://example.com/");
    for (char c = 'a'; c <= 'z'; c++) {
      template.append('{').append(c).append('}');
    }
    String t = template.toString();
    assertThat(nfa(t, "https://example.com/" + "a".repeat(10_000) + ":")).isFalse();
    assertThat(nfa(t, "https://example.com/" + "a".repeat(10_000))).isTrue();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void matchesVeryLongTopics() {
    String topic = "https://example.com/" + "a/%20".repeat(100_000);
    assertThat(nfa("https://example.com/{+path}", topic)).isTrue();
    assertThat(nfa("https://example.com/{+path}", topic + " ")).isFalse();
  }
}
