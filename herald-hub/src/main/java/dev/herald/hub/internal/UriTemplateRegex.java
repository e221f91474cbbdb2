package dev.herald.hub.internal;

import dev.herald.hub.internal.UriTemplate.Expression;
import dev.herald.hub.internal.UriTemplate.Literal;
import dev.herald.hub.internal.UriTemplate.Part;
import java.util.regex.Pattern;

/**
 * Turns a URI template into the regular expression {@code github.com/yosida95/uritemplate/v3}
 * {@code Template.Regexp()} builds, which is what the reference Mercure hub matches topics with.
 * Stateless and thread-safe.
 *
 * <p>The regex is the library's, character for character, with two translations to {@code
 * java.util.regex}: {@code [[:xdigit:]]} becomes {@code [0-9A-Fa-f]}, and the final {@code $}
 * becomes {@code \z} (Go's {@code $} is the end of the text; Java's also matches before a final
 * line terminator). For each part:
 *
 * <ul>
 *   <li>a literal becomes {@code (}<i>quoted literal</i>{@code )};
 *   <li>an expression becomes {@code (?:FIRST(VAL(?:SEP VAL){0,n-1}))?}: optional as a whole, each
 *       value possibly empty, {@code *} instead of {@code {0,n-1}} when a variable is exploded, and
 *       no separator group for a single unexploded variable. {@code VAL} is {@code
 *       (?:(?:[CLASS]|%[0-9A-Fa-f][0-9A-Fa-f])*)} where CLASS is the unreserved set plus {@code ,}
 *       for {@code {v}}, {@code {.v}} and {@code {/v}}, unreserved plus reserved for {@code {+v}}
 *       and {@code {#v}}, and additionally {@code =} for the named operators {@code ; ? &} and for
 *       exploded values.
 * </ul>
 *
 * <p>Variable names and prefix lengths are ignored, as in the library: {@code {?topic}} matches
 * {@code ?foo=bar} and {@code {var:3}} matches {@code value}.
 *
 * <p>These patterns backtrack exponentially on some inputs under {@code java.util.regex} (Go's RE2
 * does not), so the hub matches with {@link UriTemplateMatcher}, which accepts the same language in
 * linear time. Use these patterns to inspect and test, not on untrusted input.
 */
final class UriTemplateRegex {
  /** {@code reUnreserved} in the library: {@code - . 0-9 A-Z _ a-z ~}. */
  static final String UNRESERVED = "\\x2d\\x2e\\x30-\\x39\\x41-\\x5a\\x5f\\x61-\\x7a\\x7e";

  /** {@code reReserved} in the library: {@code ! # $ & ' ( ) * + , / : ; = ? @ [ ]}. */
  static final String RESERVED =
      "\\x21\\x23\\x24\\x26-\\x2c\\x2f\\x3a\\x3b\\x3d\\x3f\\x40\\x5b\\x5d";

  private UriTemplateRegex() {}

  /**
   * Parses {@code template} and compiles its regex.
   *
   * @throws InvalidUriTemplateException if the library would reject {@code template}
   */
  static Pattern compile(String template) {
    return Pattern.compile(regex(UriTemplate.parse(template)));
  }

  /** Returns the regex source for a parsed template, anchored with {@code ^} and {@code \z}. */
  static String regex(UriTemplate template) {
    StringBuilder b = new StringBuilder("^");
    for (Part part : template.parts()) {
      if (part instanceof Literal literal) {
        b.append('(').append(quoteMeta(literal.text())).append(')');
      } else {
        expression(b, (Expression) part);
      }
    }
    return b.append("\\z").toString();
  }

  /** A port of {@code expression.regexp}. */
  private static void expression(StringBuilder b, Expression e) {
    UriTemplate.Operator op = e.operator();
    boolean hasFirst = !op.first().isEmpty();
    if (hasFirst) {
      b.append("(?:").append(quoteMeta(op.first()));
    }
    b.append('(');
    value(b, op.allowReserved(), op.named() || e.vars().get(0).explode());
    int max = maxRepeats(e);
    if (e.vars().size() > 1 || e.vars().get(0).explode()) {
      b.append("(?:").append(quoteMeta(op.separator()));
      value(b, op.allowReserved(), op.named() || max < 0);
      b.append(')');
      b.append(max > 0 ? "{0," + max + "}" : "*");
    }
    b.append(')');
    if (hasFirst) {
      b.append(')');
    }
    b.append('?');
  }

  /**
   * Returns how many separated values may follow the first: {@code n - 1}, or {@code -1} (any
   * number) if a variable is exploded.
   */
  static int maxRepeats(Expression e) {
    return e.vars().stream().anyMatch(UriTemplate.VarSpec::explode) ? -1 : e.vars().size() - 1;
  }

  /** A port of {@code runeClassToRegexp}: one possibly empty value. */
  private static void value(StringBuilder b, boolean allowReserved, boolean equalsSign) {
    b.append("(?:(?:[");
    if (!allowReserved) {
      b.append("\\x2c");
      if (equalsSign) {
        b.append("\\x3d");
      }
    }
    b.append(UNRESERVED);
    if (allowReserved) {
      b.append(RESERVED);
    }
    b.append("]|%[0-9A-Fa-f][0-9A-Fa-f])*)");
  }

  /** A port of Go's {@code regexp.QuoteMeta}: escapes {@code \.+*?()|[]{}^$}. */
  static String quoteMeta(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
