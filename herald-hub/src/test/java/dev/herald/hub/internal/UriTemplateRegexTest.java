package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The regexes of {@code yosida95/uritemplate/v3}: their text, the library's own test cases, and the
 * templates its parser rejects. Every match is checked with both the {@link Pattern} and the {@link
 * UriTemplateMatcher} the hub actually uses.
 */
class UriTemplateRegexTest {
  // Written out independently of the main code, as the library's escape.go spells them.
  private static final String U = "\\x2d\\x2e\\x30-\\x39\\x41-\\x5a\\x5f\\x61-\\x7a\\x7e";
  private static final String R =
      "\\x21\\x23\\x24\\x26-\\x2c\\x2f\\x3a\\x3b\\x3d\\x3f\\x40\\x5b\\x5d";

  /** One value of the given class, as {@code runeClassToRegexp} writes it. */
  private static String val(String charClass) {
    return "(?:(?:[" + charClass + "]|%[0-9A-Fa-f][0-9A-Fa-f])*)";
  }

  private static boolean patternMatches(String template, String s) {
    return UriTemplateRegex.compile(template).matcher(s).matches();
  }

  private static boolean nfaMatches(String template, String s) {
    return UriTemplateMatcher.compile(UriTemplate.parse(template)).matches(s);
  }

  private static void assertMatch(String template, String s, boolean expected) {
    assertThat(patternMatches(template, s)).as("Pattern %s ~ %s", template, s).isEqualTo(expected);
    assertThat(nfaMatches(template, s)).as("NFA %s ~ %s", template, s).isEqualTo(expected);
  }

  private static String regex(String template) {
    return UriTemplateRegex.regex(UriTemplate.parse(template));
  }

  @Test
  void writesTheLibrarysRegexForASimpleExpression() {
    assertThat(regex("https://example.com/books/{id}"))
        .isEqualTo(
            "^(https://example\\.com/books/)((?:(?:[\\x2c\\x2d\\x2e\\x30-\\x39\\x41-\\x5a\\x5f"
                + "\\x61-\\x7a\\x7e]|%[0-9A-Fa-f][0-9A-Fa-f])*))?\\z");
  }

  @Test
  void writesEveryOperatorsPrefixSeparatorAndClass() {
    assertThat(regex("{x,y}"))
        .isEqualTo("^(" + val("\\x2c" + U) + "(?:," + val("\\x2c" + U) + "){0,1})?\\z");
    assertThat(regex("{+x}")).isEqualTo("^(" + val(U + R) + ")?\\z");
    assertThat(regex("{#x,y,z}"))
        .isEqualTo("^(?:#(" + val(U + R) + "(?:," + val(U + R) + "){0,2}))?\\z");
    assertThat(regex("X{.x}")).isEqualTo("^(X)(?:\\.(" + val("\\x2c" + U) + "))?\\z");
    assertThat(regex("{/x,y}"))
        .isEqualTo("^(?:/(" + val("\\x2c" + U) + "(?:/" + val("\\x2c" + U) + "){0,1}))?\\z");
    assertThat(regex("{;x}")).isEqualTo("^(?:;(" + val("\\x2c\\x3d" + U) + "))?\\z");
    assertThat(regex("{?x,y}"))
        .isEqualTo(
            "^(?:\\?(" + val("\\x2c\\x3d" + U) + "(?:&" + val("\\x2c\\x3d" + U) + "){0,1}))?\\z");
    assertThat(regex("{&x}")).isEqualTo("^(?:&(" + val("\\x2c\\x3d" + U) + "))?\\z");
  }

  @Test
  void explodeAllowsAnyNumberOfValuesAndAddsTheEqualsSign() {
    assertThat(regex("{/list*}"))
        .isEqualTo("^(?:/(" + val("\\x2c\\x3d" + U) + "(?:/" + val("\\x2c\\x3d" + U) + ")*))?\\z");
    // Only values after an exploded variable get '=': the first value checks vars[0] alone.
    assertThat(regex("{x,y*}"))
        .isEqualTo("^(" + val("\\x2c" + U) + "(?:," + val("\\x2c\\x3d" + U) + ")*)?\\z");
    assertThat(regex("{.x*,y}"))
        .isEqualTo(
            "^(?:\\.(" + val("\\x2c\\x3d" + U) + "(?:\\." + val("\\x2c\\x3d" + U) + ")*))?\\z");
  }

  @Test
  void quotesLiteralsLikeGoQuoteMeta() {
    assertThat(regex("http://x/a.b+c*d?(e)[f]$g=h&i;j#k!l@m~n_o{v}"))
        .isEqualTo(
            "^(http://x/a\\.b\\+c\\*d\\?\\(e\\)\\[f\\]\\$g=h&i;j#k!l@m~n_o)("
                + val("\\x2c" + U)
                + ")?\\z");
    assertThat(UriTemplateRegex.quoteMeta("\\.+*?()|[]{}^$"))
        .isEqualTo("\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$");
  }

  @Test
  void ignoresVariableNamesAndPrefixLengths() {
    assertThat(regex("{?topic}")).isEqualTo(regex("{?other}"));
    assertThat(regex("{var:3}")).isEqualTo(regex("{var}"));
    assertMatch("{var:3}", "value", true);
    assertMatch("{?topic}", "?foo=bar", true);
    assertMatch("{?topic}", "?topic=a&b=c", false);
  }

  @Test
  void anEmptyTemplateMatchesOnlyTheEmptyString() {
    assertThat(regex("")).isEqualTo("^\\z");
    assertMatch("", "", true);
    assertMatch("", "a", false);
  }

  @Test
  void matchesTheEndOfTextNotBeforeAFinalNewline() {
    Pattern p = UriTemplateRegex.compile("https://example.com/books/{id}");
    assertThat(p.matcher("https://example.com/books/1\n").find()).isFalse();
    assertMatch("https://example.com/books/{id}", "https://example.com/books/1\n", false);
  }

  /** The library's {@code testTemplateCases}: every expansion must match its template's regex. */
  static Stream<Arguments> libraryCases() {
    return Stream.of(
        // RFC 6570 § 3.2.1
        Arguments.of("{count}", "one,two,three"),
        Arguments.of("{count*}", "one,two,three"),
        Arguments.of("{/count}", "/one,two,three"),
        Arguments.of("{/count*}", "/one/two/three"),
        Arguments.of("{;count}", ";count=one,two,three"),
        Arguments.of("{;count*}", ";count=one;count=two;count=three"),
        Arguments.of("{?count}", "?count=one,two,three"),
        Arguments.of("{?count*}", "?count=one&count=two&count=three"),
        Arguments.of("{&count*}", "&count=one&count=two&count=three"),
        // § 3.2.2
        Arguments.of("{var}", "value"),
        Arguments.of("{hello}", "Hello%20World%21"),
        Arguments.of("{half}", "50%25"),
        Arguments.of("O{empty}X", "OX"),
        Arguments.of("O{undef}X", "OX"),
        Arguments.of("{x,y}", "1024,768"),
        Arguments.of("{x,hello,y}", "1024,Hello%20World%21,768"),
        Arguments.of("?{x,empty}", "?1024,"),
        Arguments.of("?{x,undef}", "?1024"),
        Arguments.of("?{undef,y}", "?768"),
        Arguments.of("{var:3}", "val"),
        Arguments.of("{var:30}", "value"),
        Arguments.of("{list}", "red,green,blue"),
        Arguments.of("{list*}", "red,green,blue"),
        Arguments.of("{keys}", "semi,%3B,dot,.,comma,%2C"),
        Arguments.of("{keys*}", "semi=%3B,dot=.,comma=%2C"),
        // § 3.2.3
        Arguments.of("{+var}", "value"),
        Arguments.of("{+hello}", "Hello%20World!"),
        Arguments.of("{+half}", "50%25"),
        Arguments.of("{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"),
        Arguments.of("{+base}index", "http://example.com/home/index"),
        Arguments.of("O{+empty}X", "OX"),
        Arguments.of("O{+undef}X", "OX"),
        Arguments.of("{+path}/here", "/foo/bar/here"),
        Arguments.of("here?ref={+path}", "here?ref=/foo/bar"),
        Arguments.of("up{+path}{var}/here", "up/foo/barvalue/here"),
        Arguments.of("{+x,hello,y}", "1024,Hello%20World!,768"),
        Arguments.of("{+path,x}/here", "/foo/bar,1024/here"),
        Arguments.of("{+path:6}/here", "/foo/b/here"),
        Arguments.of("{+list}", "red,green,blue"),
        Arguments.of("{+list*}", "red,green,blue"),
        Arguments.of("{+keys}", "semi,;,dot,.,comma,,"),
        Arguments.of("{+keys*}", "semi=;,dot=.,comma=,"),
        // § 3.2.4
        Arguments.of("{#var}", "#value"),
        Arguments.of("{#hello}", "#Hello%20World!"),
        Arguments.of("{#half}", "#50%25"),
        Arguments.of("foo{#empty}", "foo#"),
        Arguments.of("foo{#undef}", "foo"),
        Arguments.of("{#x,hello,y}", "#1024,Hello%20World!,768"),
        Arguments.of("{#path,x}/here", "#/foo/bar,1024/here"),
        Arguments.of("{#path:6}/here", "#/foo/b/here"),
        Arguments.of("{#list}", "#red,green,blue"),
        Arguments.of("{#list*}", "#red,green,blue"),
        Arguments.of("{#keys}", "#semi,;,dot,.,comma,,"),
        Arguments.of("{#keys*}", "#semi=;,dot=.,comma=,"),
        // § 3.2.5
        Arguments.of("{.who}", ".fred"),
        Arguments.of("{.who,who}", ".fred.fred"),
        Arguments.of("{.half,who}", ".50%25.fred"),
        Arguments.of("www{.dom*}", "www.example.com"),
        Arguments.of("X{.var}", "X.value"),
        Arguments.of("X{.empty}", "X."),
        Arguments.of("X{.undef}", "X"),
        Arguments.of("X{.var:3}", "X.val"),
        Arguments.of("X{.list}", "X.red,green,blue"),
        Arguments.of("X{.list*}", "X.red.green.blue"),
        Arguments.of("X{.keys}", "X.semi,%3B,dot,.,comma,%2C"),
        Arguments.of("X{.keys*}", "X.semi=%3B.dot=..comma=%2C"),
        Arguments.of("X{.empty_keys}", "X"),
        Arguments.of("X{.empty_keys*}", "X"),
        // § 3.2.6
        Arguments.of("{/who}", "/fred"),
        Arguments.of("{/who,who}", "/fred/fred"),
        Arguments.of("{/half,who}", "/50%25/fred"),
        Arguments.of("{/who,dub}", "/fred/me%2Ftoo"),
        Arguments.of("{/var}", "/value"),
        Arguments.of("{/var,empty}", "/value/"),
        Arguments.of("{/var,undef}", "/value"),
        Arguments.of("{/var,x}/here", "/value/1024/here"),
        Arguments.of("{/var:1,var}", "/v/value"),
        Arguments.of("{/list}", "/red,green,blue"),
        Arguments.of("{/list*}", "/red/green/blue"),
        Arguments.of("{/list*,path:4}", "/red/green/blue/%2Ffoo"),
        Arguments.of("{/keys}", "/semi,%3B,dot,.,comma,%2C"),
        Arguments.of("{/keys*}", "/semi=%3B/dot=./comma=%2C"),
        // § 3.2.7
        Arguments.of("{;who}", ";who=fred"),
        Arguments.of("{;half}", ";half=50%25"),
        Arguments.of("{;empty}", ";empty"),
        Arguments.of("{;v,empty,who}", ";v=6;empty;who=fred"),
        Arguments.of("{;v,bar,who}", ";v=6;who=fred"),
        Arguments.of("{;x,y}", ";x=1024;y=768"),
        Arguments.of("{;x,y,empty}", ";x=1024;y=768;empty"),
        Arguments.of("{;x,y,undef}", ";x=1024;y=768"),
        Arguments.of("{;hello:5}", ";hello=Hello"),
        Arguments.of("{;list}", ";list=red,green,blue"),
        Arguments.of("{;list*}", ";list=red;list=green;list=blue"),
        Arguments.of("{;keys}", ";keys=semi,%3B,dot,.,comma,%2C"),
        Arguments.of("{;keys*}", ";semi=%3B;dot=.;comma=%2C"),
        // § 3.2.8
        Arguments.of("{?who}", "?who=fred"),
        Arguments.of("{?half}", "?half=50%25"),
        Arguments.of("{?x,y}", "?x=1024&y=768"),
        Arguments.of("{?x,y,empty}", "?x=1024&y=768&empty="),
        Arguments.of("{?x,y,undef}", "?x=1024&y=768"),
        Arguments.of("{?var:3}", "?var=val"),
        Arguments.of("{?list}", "?list=red,green,blue"),
        Arguments.of("{?list*}", "?list=red&list=green&list=blue"),
        Arguments.of("{?keys}", "?keys=semi,%3B,dot,.,comma,%2C"),
        Arguments.of("{?keys*}", "?semi=%3B&dot=.&comma=%2C"),
        // § 3.2.9
        Arguments.of("{&who}", "&who=fred"),
        Arguments.of("{&half}", "&half=50%25"),
        Arguments.of("?fixed=yes{&x}", "?fixed=yes&x=1024"),
        Arguments.of("{&x,y,empty}", "&x=1024&y=768&empty="),
        Arguments.of("{&x,y,undef}", "&x=1024&y=768"),
        Arguments.of("{&var:3}", "&var=val"),
        Arguments.of("{&list}", "&list=red,green,blue"),
        Arguments.of("{&list*}", "&list=red&list=green&list=blue"),
        Arguments.of("{&keys}", "&keys=semi,%3B,dot,.,comma,%2C"),
        Arguments.of("{&keys*}", "&semi=%3B&dot=.&comma=%2C"),
        // others
        Arguments.of("{special_chars}", "2001%3Adb8%3A%3A35"),
        // ExampleTemplate_Regexp and BenchmarkRegexpMatch
        Arguments.of(
            "https://example.com/dictionary/{term:1}/{term}",
            "https://example.com/dictionary/c/cat"),
        Arguments.of(
            "https://{host}/users{/user}{/media}", "https://example.com/users/kevin/pics"));
  }

  @ParameterizedTest(name = "{0} matches {1}")
  @MethodSource("libraryCases")
  void matchesTheLibrarysExpansions(String template, String expansion) {
    assertMatch(template, expansion, true);
  }

  @Test
  void rejectsWhatTheLibrarysExamplesReject() {
    // ExampleTemplate_Regexp
    assertMatch(
        "https://example.com/dictionary/{term:1}/{term}",
        "https://example.com/dictionary/c/a/cat",
        false);
    // TestTemplateRegexp_NotMatch
    assertMatch("https://example.com/foo{?bar}", "https://example.com/foobaz", false);
  }

  @Test
  void boundsTheNumberOfValuesUnlessExploded() {
    assertMatch("{/x,y}", "/a/b", true);
    assertMatch("{/x,y}", "/a/b/c", false);
    assertMatch("{/x*}", "/a/b/c/d", true);
    assertMatch("{/x,y*}", "/a/b/c/d", true);
    assertMatch("{?x,y}", "?x=1&y=2", true);
    assertMatch("{?x,y}", "?x=1&y=2&z=3", false);
    assertMatch("{?x*}", "?x=1&y=2&z=3", true);
  }

  @Test
  void usesEachOperatorsAlphabet() {
    assertMatch("{x}", "a,b", true);
    assertMatch("{x}", "a=b", false);
    assertMatch("{x*}", "a=b", true);
    assertMatch("{x}", "a/b", false);
    assertMatch("{+x}", "a/b?c=d#e:f@g!h$i&j'k(l)m*n+o,p;q[r]s", true);
    assertMatch("{+x}", "a b", false);
    assertMatch("{+x}", "a%20b", true);
    assertMatch("{+x}", "a%2", false);
    assertMatch("{+x}", "{x}", false);
    assertMatch("{#x}", "#a/b", true);
    assertMatch("{#x}", "a/b", false);
    assertMatch("{.x}", ".a.b", true);
    assertMatch("{/x}", "/a.b", true);
    assertMatch("{;x}", ";x=1", true);
    assertMatch("{;x}", ";x=1;y=2", false);
    assertMatch("{&x}", "&x=1", true);
    assertMatch("{x}", "%c3%a9", true);
    assertMatch("{x}", "é", false);
    assertMatch("é{x}", "éa", true);
    assertMatch("\uD83D\uDE00{x}", "\uD83D\uDE00a", true);
  }

  @Test
  void everyExpressionIsOptionalAndEveryValueMayBeEmpty() {
    assertMatch("a{/x}b", "ab", true);
    assertMatch("a{/x}b", "a/b", true);
    assertMatch("a{?x,y}", "a?", true);
    assertMatch("a{?x,y}", "a?&", true);
    assertMatch("{x}{y}{z}", "", true);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fau{lty",
        "http://example.com/hub?topic=faulty{iri",
        "{",
        "{x",
        "{x,",
        "{x,y",
        "{x:3",
        "{x*",
        "{x}{",
        "}",
        "a}b",
        "{x}}",
        "a b{x}",
        "\"{x}",
        "'{x}'",
        "<{x}>",
        "\\{x}",
        "^{x}",
        "`{x}",
        "|{x}",
        "%{x}",
        "%2{x}",
        "%zz{x}",
        "%2g{x}",
        "{x%2}",
        "{x%zz}",
        "{=x}",
        "{,x}",
        "{!x}",
        "{@x}",
        "{|x}",
        "{}",
        "{+}",
        "{x,}",
        "{,}",
        "{x:}",
        "{x:0}",
        "{x:05}",
        "{x:10000}",
        "{x:3*}",
        "{x*:3}",
        "{x**}",
        "{x y}",
        "{x-y}",
        "{é}",
        "{.x.}",
        "{..x}",
        "{x..y}",
        "{.x}{.}",
        "{x}\u0000",
        "\u007f{x}",
        "\u0080{x}",
        "\u009f{x}",
        "\uFFFD{x}",
        "\uD800{x}",
        "{x}\uDC00",
        "{x{y}}",
      })
  void rejectsInvalidTemplates(String template) {
    assertThatThrownBy(() -> UriTemplate.parse(template))
        .isInstanceOf(InvalidUriTemplateException.class);
    assertThatThrownBy(() -> UriTemplateRegex.compile(template))
        .isInstanceOf(InvalidUriTemplateException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "no-expression",
        "{x}",
        "{x.y}",
        "{x.y.z}",
        "{x%41}",
        "{%41}",
        "{_1}",
        "{x:1}",
        "{x:9999}",
        "{x*}",
        "{+x,y:3,z*}",
        "{;a}{?b}{&c}{#d}{.e}{/f}",
        "%41{x}",
        "%c3%A9{x}",
        "é{x}",
        "\u00a0{x}",
        "\uD83D\uDE00{x}",
        "a=b&c;d?e{x}#f",
        "!#$&()*+,-./:;=?@[]_~{x}",
      })
  void acceptsValidTemplates(String template) {
    assertThat(UriTemplate.parse(template).text()).isEqualTo(template);
    assertThat(
            UriTemplateRegex.compile(template)
                .matcher(template.replaceAll("\\{[^}]*}", ""))
                .matches())
        .as("the expansion with every variable undefined matches")
        .isTrue();
  }

  @Test
  void reportsWhereParsingStopped() {
    assertThatThrownBy(() -> UriTemplate.parse("ab c{x}"))
        .isInstanceOf(InvalidUriTemplateException.class)
        .hasMessage("invalid literals at 2: ab c{x}")
        .satisfies(e -> assertThat(((InvalidUriTemplateException) e).index()).isEqualTo(2));
  }

  @Test
  void parsesPartsInOrder() {
    UriTemplate t = UriTemplate.parse("a{/b,c*}d{?e:5}");
    assertThat(t.parts())
        .containsExactly(
            new UriTemplate.Literal("a"),
            new UriTemplate.Expression(
                UriTemplate.Operator.PATH,
                List.of(
                    new UriTemplate.VarSpec("b", 0, false), new UriTemplate.VarSpec("c", 0, true))),
            new UriTemplate.Literal("d"),
            new UriTemplate.Expression(
                UriTemplate.Operator.QUERY, List.of(new UriTemplate.VarSpec("e", 5, false))));
  }
}
