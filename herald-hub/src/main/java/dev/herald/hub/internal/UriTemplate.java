package dev.herald.hub.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed RFC 6570 URI template (level 4), accepted and rejected exactly as {@code
 * github.com/yosida95/uritemplate/v3} {@code New} does, which is what the reference Mercure hub
 * uses to decide whether a topic selector is a template. Immutable and thread-safe.
 *
 * <p>The parser is the library's state machine: literals are {@code %XX} triplets or the RFC 6570
 * literal characters (so space, {@code "}, {@code '}, {@code <}, {@code >}, {@code \}, {@code ^},
 * backtick, {@code |} and a lone closing brace are errors); the reserved operators {@code = , ! @
 * |} are errors; a variable name is {@code ALPHA / DIGIT / _ / %XX} with single inner dots; a
 * prefix is 1 to 9999 without a leading zero; prefix and explode cannot be combined.
 */
final class UriTemplate {

  /** The eight RFC 6570 operators, with the library's prefix, separator and value alphabet. */
  enum Operator {
    SIMPLE("", ",", false, false),
    RESERVED("", ",", false, true),
    FRAGMENT("#", ",", false, true),
    LABEL(".", ".", false, false),
    PATH("/", "/", false, false),
    PATH_PARAMETER(";", ";", true, false),
    QUERY("?", "&", true, false),
    QUERY_CONTINUATION("&", "&", true, false);

    private final String first;
    private final String separator;
    private final boolean named;
    private final boolean allowReserved;

    Operator(String first, String separator, boolean named, boolean allowReserved) {
      this.first = first;
      this.separator = separator;
      this.named = named;
      this.allowReserved = allowReserved;
    }

    /** Returns what an expansion starts with: empty, or one of {@code # . / ; ? &}. */
    String first() {
      return first;
    }

    /** Returns what an expansion puts between exploded or listed values. */
    String separator() {
      return separator;
    }

    /** Returns whether values are written {@code name=value} ({@code ; ? &}). */
    boolean named() {
      return named;
    }

    /** Returns whether reserved characters may appear unencoded ({@code + #}). */
    boolean allowReserved() {
      return allowReserved;
    }

    static Operator of(int c) {
      switch (c) {
        case '+':
          return RESERVED;
        case '#':
          return FRAGMENT;
        case '.':
          return LABEL;
        case '/':
          return PATH;
        case ';':
          return PATH_PARAMETER;
        case '?':
          return QUERY;
        case '&':
          return QUERY_CONTINUATION;
        default:
          return SIMPLE;
      }
    }
  }

  /** One piece of a template. */
  sealed interface Part permits Literal, Expression {}

  /** Literal text, copied to the expansion as is (percent-triplets included). */
  record Literal(String text) implements Part {}

  /** A {@code {...}} expression: an operator and at least one variable. */
  record Expression(Operator operator, List<VarSpec> vars) implements Part {
    Expression {
      vars = List.copyOf(vars);
    }
  }

  /** A variable: its name, its prefix length ({@code 0} for none) and whether it is exploded. */
  record VarSpec(String name, int maxLength, boolean explode) {}

  private final String text;
  private final List<Part> parts;

  private UriTemplate(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses a template.
   *
   * @throws InvalidUriTemplateException if the library would reject {@code template}
   */
  static UriTemplate parse(String template) {
    Objects.requireNonNull(template, "template");
    return new UriTemplate(template, new Parser(template).parse());
  }

  /** Returns the template as given to {@link #parse}. */
  String text() {
    return text;
  }

  /** Returns literals and expressions in template order; adjacent literals are merged. */
  List<Part> parts() {
    return parts;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A port of the library's {@code parser.parseURITemplate}, one method per state. */
  private static final class Parser {
    private enum State {
      LITERALS,
      OPERATOR,
      VAR_NAME,
      PREFIX,
      VAR_LIST
    }

    private final String in;
    private final List<Part> parts = new ArrayList<>();
    private final List<VarSpec> vars = new ArrayList<>();
    private State state = State.LITERALS;
    private Operator operator = Operator.SIMPLE;
    private String prefixedName = "";
    private int maxLength;

    /** Index of the next char to read. */
    private int pos;

    /** Start of the current literal run or variable name. */
    private int start;

    Parser(String in) {
      this.in = in;
    }

    List<Part> parse() {
      while (pos < in.length()) {
        int c = in.codePointAt(pos);
        if (Character.isSurrogate((char) c)) {
          throw fail("invalid UTF-8 encoding"); // a lone surrogate: Go would see invalid UTF-8
        }
        pos += Character.charCount(c);
        switch (state) {
          case LITERALS -> literals(c);
          case OPERATOR -> operator(c);
          case VAR_NAME -> varName(c);
          case PREFIX -> prefix(c);
          case VAR_LIST -> varList(c);
        }
      }
      if (state != State.LITERALS) {
        throw fail("incomplete template");
      }
      addLiteral(in.length());
      return parts;
    }

    private void literals(int c) {
      if (c == '{') {
        addLiteral(pos - 1);
        vars.clear();
        setState(State.OPERATOR);
      } else if (c == '%') {
        pos--;
        consumeTriplet();
      } else if (!isLiteral(c)) {
        pos -= Character.charCount(c);
        throw fail("invalid literals");
      }
    }

    private void operator(int c) {
      if (c == '=' || c == ',' || c == '!' || c == '@' || c == '|') {
        throw fail("unsupported operator");
      }
      operator = Operator.of(c);
      if (operator == Operator.SIMPLE) {
        pos -= Character.charCount(c); // not an operator: the first char of the name
      }
      setState(State.VAR_NAME);
    }

    private void varName(int c) {
      switch (c) {
        case ':', '*' -> {
          String name = validName(in.substring(start, pos - 1));
          if (c == '*') {
            vars.add(new VarSpec(name, 0, true));
            setState(State.VAR_LIST);
          } else {
            prefixedName = name;
            maxLength = 0;
            setState(State.PREFIX);
          }
        }
        case ',', '}' -> {
          pos--;
          vars.add(new VarSpec(validName(in.substring(start, pos)), 0, false));
          setState(State.VAR_LIST);
        }
        case '%' -> {
          pos--;
          consumeTriplet();
        }
        case '.' -> {
          int dot = pos - 1;
          if (dot == start || in.charAt(dot - 1) == '.') {
            throw fail("invalid varname");
          }
        }
        default -> {
          if (!isVarchar(c)) {
            throw fail("invalid varname");
          }
        }
      }
    }

    private void prefix(int c) {
      if (c >= '0' && c <= '9') {
        maxLength = maxLength * 10 + (c - '0');
        if (maxLength == 0 || maxLength > 9999) {
          throw fail("max-length must be (0, 9999]");
        }
        return;
      }
      if (maxLength == 0) {
        throw fail("max-length must be (0, 9999]");
      }
      pos -= Character.charCount(c);
      vars.add(new VarSpec(prefixedName, maxLength, false));
      setState(State.VAR_LIST);
    }

    private void varList(int c) {
      if (c == ',') {
        setState(State.VAR_NAME);
      } else if (c == '}') {
        parts.add(new Expression(operator, vars));
        setState(State.LITERALS);
      } else {
        throw fail("invalid variable-list");
      }
    }

    private void setState(State next) {
      state = next;
      start = pos;
    }

    private void addLiteral(int end) {
      if (end > start) {
        parts.add(new Literal(in.substring(start, end)));
      }
    }

    private void consumeTriplet() {
      if (in.length() - pos < 3
          || in.charAt(pos) != '%'
          || !isHex(in.charAt(pos + 1))
          || !isHex(in.charAt(pos + 2))) {
        throw fail("incomplete pct-encoded");
      }
      pos += 3;
    }

    private String validName(String name) {
      int l = name.length();
      if (l == 0 || name.charAt(0) == '.' || name.charAt(l - 1) == '.' || name.contains("..")) {
        throw fail("invalid varname");
      }
      return name;
    }

    private InvalidUriTemplateException fail(String reason) {
      return new InvalidUriTemplateException(reason, pos, in);
    }
  }

  static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  }

  private static boolean isVarchar(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z');
  }

  /**
   * Returns whether {@code c} may appear unencoded in a literal: RFC 6570's {@code literals} minus
   * {@code %} and braces. The apostrophe is excluded as in uritemplate v3.0.0 and v3.0.1 (v3.0.2
   * admits it, following RFC 6570 erratum 6937).
   */
  private static boolean isLiteral(int c) {
    if (c < 0x80) {
      return c == '!'
          || c == '#'
          || c == '$'
          || c == '&'
          || (c >= '(' && c <= ';')
          || c == '='
          || (c >= '?' && c <= '[')
          || c == ']'
          || c == '_'
          || (c >= 'a' && c <= 'z')
          || c == '~';
    }
    return (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xF8FF)
        || (c >= 0xF900 && c <= 0xFDCF)
        || (c >= 0xFDF0 && c <= 0xFFEF)
        || (c >= 0xE1000 && c <= 0xEFFFD)
        || (c >= 0x10000 && c <= 0xDFFFF && (c & 0xFFFF) <= 0xFFFD)
        || (c >= 0xF0000 && (c & 0xFFFF) <= 0xFFFD);
  }
}
