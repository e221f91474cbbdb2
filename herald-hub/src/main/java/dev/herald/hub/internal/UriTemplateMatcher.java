package dev.herald.hub.internal;

import dev.herald.hub.internal.UriTemplate.Expression;
import dev.herald.hub.internal.UriTemplate.Literal;
import dev.herald.hub.internal.UriTemplate.Part;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a string matches a URI template's {@link UriTemplateRegex regex}, in time linear
 * in the string's length. Immutable and thread-safe.
 *
 * <p>Why not {@link java.util.regex.Pattern}: the library's regexes are ambiguous (a value may
 * contain its own separator; adjacent expressions may split a run of characters any way). Go's RE2
 * matches them in linear time; {@code java.util.regex} backtracks through every split. In one test
 * run {@code {list*}} against 28 commas and a {@code !} took 30 seconds, four times longer for each
 * two more commas; {@code {a}{b}...{z}} against a few dozen letters and a {@code :} would take
 * years; and a topic of a few hundred kilobytes overflows the stack. Selectors and topics both come
 * from clients, so the hub runs the same expression as a Thompson NFA, built part by part exactly
 * as {@link UriTemplateRegex} writes the regex, and checked against it by property tests.
 */
final class UriTemplateMatcher {
  private static final byte CHAR = 0; // x = the char
  private static final byte CLASS = 1; // lo, hi = ASCII bitmap
  private static final byte SPLIT = 2; // continue at x and at y
  private static final byte JMP = 3; // continue at x
  private static final byte MATCH = 4;

  private static final long[] HEX = mask("0123456789ABCDEFabcdef");
  private static final long[] UNRESERVED =
      mask("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");
  private static final long[] RESERVED = mask("!#$&'()*+,/:;=?@[]");

  private final byte[] op;
  private final int[] x;
  private final int[] y;
  private final long[] lo;
  private final long[] hi;

  /** Every match starts with this: the leading literal, matched before the NFA runs. */
  private final String prefix;

  /** Every match ends with this: the trailing literal, matched before the NFA runs. */
  private final String suffix;

  /** Every match is at least this long: the literals' total length. */
  private final int minLength;

  /**
   * For programs of at most 64 instructions, the set of instructions reachable from each one
   * without reading a char, so that a match is a loop over bit sets without allocation; else null.
   */
  private final long @Nullable [] closures;

  /** The consuming (CHAR and CLASS) instructions, as a bit set; used with {@link #closures}. */
  private final long consuming;

  private UriTemplateMatcher(Builder b, String prefix, String suffix, int minLength) {
    this.op = Arrays.copyOf(b.op, b.n);
    this.x = Arrays.copyOf(b.x, b.n);
    this.y = Arrays.copyOf(b.y, b.n);
    this.lo = Arrays.copyOf(b.lo, b.n);
    this.hi = Arrays.copyOf(b.hi, b.n);
    this.prefix = prefix;
    this.suffix = suffix;
    this.minLength = minLength;
    this.closures = op.length <= Long.SIZE ? closures() : null;
    long c = 0;
    for (int pc = 0; pc < op.length && pc < Long.SIZE; pc++) {
      c |= op[pc] == CHAR || op[pc] == CLASS ? 1L << pc : 0;
    }
    this.consuming = c;
  }

  /**
   * Builds the matcher for a parsed template. A leading and a trailing literal are checked with
   * {@code startsWith} and {@code endsWith}; the NFA covers what lies between them.
   */
  static UriTemplateMatcher compile(UriTemplate template) {
    List<Part> parts = template.parts();
    int from = 0;
    int to = parts.size();
    String prefix = "";
    String suffix = "";
    if (from < to && parts.get(from) instanceof Literal first) {
      prefix = first.text();
      from++;
    }
    if (from < to && parts.get(to - 1) instanceof Literal last) {
      suffix = last.text();
      to--;
    }
    Builder b = new Builder();
    int minLength = prefix.length() + suffix.length();
    for (Part part : parts.subList(from, to)) {
      if (part instanceof Literal literal) {
        b.literal(literal.text());
        minLength += literal.text().length();
      } else {
        b.expression((Expression) part);
      }
    }
    b.emit(MATCH, 0, 0);
    return new UriTemplateMatcher(b, prefix, suffix, minLength);
  }

  /** Returns whether all of {@code s} matches. */
  boolean matches(String s) {
    if (s.length() < minLength || !s.startsWith(prefix) || !s.endsWith(suffix)) {
      return false;
    }
    int from = prefix.length();
    int to = s.length() - suffix.length();
    return closures != null ? matchesSmall(closures, s, from, to) : matchesLarge(s, from, to);
  }

  /** Returns what {@link #matches} does, always with the list simulation; for tests. */
  boolean matchesWithLists(String s) {
    if (s.length() < minLength || !s.startsWith(prefix) || !s.endsWith(suffix)) {
      return false;
    }
    return matchesLarge(s, prefix.length(), s.length() - suffix.length());
  }

  /** Simulates the NFA with one bit per instruction. */
  private boolean matchesSmall(long[] closures, String s, int from, int to) {
    long states = closures[0];
    for (int i = from; i < to && states != 0; i++) {
      char c = s.charAt(i);
      long next = 0;
      for (long m = states & consuming; m != 0; m &= m - 1) {
        int pc = Long.numberOfTrailingZeros(m);
        if (accepts(pc, c)) {
          next |= closures[pc + 1];
        }
      }
      states = next;
    }
    return (states & (1L << (op.length - 1))) != 0; // MATCH is the last instruction
  }

  /** Simulates the NFA with lists of instructions (Thompson, Pike). */
  private boolean matchesLarge(String s, int from, int to) {
    int n = op.length;
    int[] current = new int[n];
    int[] next = new int[n];
    int[] seen = new int[n];
    int[] stack = new int[2 * n + 1];
    int generation = 1;
    int count = closure(0, current, 0, seen, generation, stack);
    for (int i = from; i < to && count > 0; i++) {
      char c = s.charAt(i);
      generation++;
      int nextCount = 0;
      for (int k = 0; k < count; k++) {
        int pc = current[k];
        if (accepts(pc, c)) {
          nextCount = closure(pc + 1, next, nextCount, seen, generation, stack);
        }
      }
      int[] swap = current;
      current = next;
      next = swap;
      count = nextCount;
    }
    for (int k = 0; k < count; k++) {
      if (op[current[k]] == MATCH) {
        return true;
      }
    }
    return false;
  }

  private boolean accepts(int pc, char c) {
    switch (op[pc]) {
      case CHAR:
        return c == x[pc];
      case CLASS:
        return c < 64 ? (lo[pc] & (1L << c)) != 0 : c < 128 && (hi[pc] & (1L << (c - 64))) != 0;
      default:
        return false;
    }
  }

  /** Adds the consuming instructions and matches reachable from {@code start} without input. */
  private int closure(int start, int[] list, int count, int[] seen, int generation, int[] stack) {
    int top = 0;
    stack[top++] = start;
    while (top > 0) {
      int pc = stack[--top];
      if (seen[pc] == generation) {
        continue;
      }
      seen[pc] = generation;
      switch (op[pc]) {
        case JMP:
          stack[top++] = x[pc];
          break;
        case SPLIT:
          stack[top++] = y[pc];
          stack[top++] = x[pc];
          break;
        default:
          list[count++] = pc;
      }
    }
    return count;
  }

  /** Computes {@link #closures}: for each instruction, the bit set of {@link #closure}. */
  private long[] closures() {
    int n = op.length;
    long[] result = new long[n];
    int[] list = new int[n];
    int[] seen = new int[n];
    int[] stack = new int[2 * n + 1];
    for (int pc = 0; pc < n; pc++) {
      int count = closure(pc, list, 0, seen, pc + 1, stack);
      for (int k = 0; k < count; k++) {
        result[pc] |= 1L << list[k];
      }
    }
    return result;
  }

  private static long[] mask(String chars) {
    long[] m = new long[2];
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      m[c >> 6] |= 1L << (c & 63);
    }
    return m;
  }

  private static long[] union(long[] a, long[] b) {
    return new long[] {a[0] | b[0], a[1] | b[1]};
  }

  /** Emits the program; every method mirrors the regex text {@link UriTemplateRegex} writes. */
  private static final class Builder {
    byte[] op = new byte[64];
    int[] x = new int[64];
    int[] y = new int[64];
    long[] lo = new long[64];
    long[] hi = new long[64];
    int n;

    int emit(byte code, int a, int b) {
      if (n == op.length) {
        int size = n * 2;
        op = Arrays.copyOf(op, size);
        x = Arrays.copyOf(x, size);
        y = Arrays.copyOf(y, size);
        lo = Arrays.copyOf(lo, size);
        hi = Arrays.copyOf(hi, size);
      }
      op[n] = code;
      x[n] = a;
      y[n] = b;
      return n++;
    }

    void emitClass(long[] mask) {
      int pc = emit(CLASS, 0, 0);
      lo[pc] = mask[0];
      hi[pc] = mask[1];
    }

    void patch(int split, int first, int second) {
      x[split] = first;
      y[split] = second;
    }

    /** {@code (quoted)}. */
    void literal(String text) {
      for (int i = 0; i < text.length(); i++) {
        emit(CHAR, text.charAt(i), 0);
      }
    }

    /** {@code (?:FIRST(VAL(?:SEP VAL){0,max}))?} or with {@code *}. */
    void expression(Expression e) {
      UriTemplate.Operator operator = e.operator();
      int optional = emit(SPLIT, 0, 0);
      int enter = n;
      literal(operator.first());
      value(operator, operator.named() || e.vars().get(0).explode());
      int max = UriTemplateRegex.maxRepeats(e);
      if (e.vars().size() > 1 || e.vars().get(0).explode()) {
        boolean equalsSign = operator.named() || max < 0;
        if (max > 0) {
          repeatAtMost(max, operator, equalsSign);
        } else {
          repeat(operator, equalsSign);
        }
      }
      patch(optional, enter, n);
    }

    /** {@code (?:SEP VAL){0,max}}, emitted as {@code (?:SEP VAL(?:SEP VAL(...)?)?)?}. */
    private void repeatAtMost(int max, UriTemplate.Operator operator, boolean equalsSign) {
      int[] splits = new int[max];
      int[] bodies = new int[max];
      for (int i = 0; i < max; i++) {
        splits[i] = emit(SPLIT, 0, 0);
        bodies[i] = n;
        literal(operator.separator());
        value(operator, equalsSign);
      }
      for (int i = 0; i < max; i++) {
        patch(splits[i], bodies[i], n);
      }
    }

    /** {@code (?:SEP VAL)*}. */
    private void repeat(UriTemplate.Operator operator, boolean equalsSign) {
      int loop = emit(SPLIT, 0, 0);
      int body = n;
      literal(operator.separator());
      value(operator, equalsSign);
      emit(JMP, loop, 0);
      patch(loop, body, n);
    }

    /** {@code (?:(?:[CLASS]|%[0-9A-Fa-f][0-9A-Fa-f])*)}. */
    private void value(UriTemplate.Operator operator, boolean equalsSign) {
      long[] mask =
          operator.allowReserved()
              ? union(UNRESERVED, RESERVED)
              : union(UNRESERVED, mask(equalsSign ? ",=" : ","));
      int loop = emit(SPLIT, 0, 0);
      int alternative = emit(SPLIT, 0, 0);
      int raw = n;
      emitClass(mask);
      emit(JMP, loop, 0);
      int encoded = n;
      emit(CHAR, '%', 0);
      emitClass(HEX);
      emitClass(HEX);
      emit(JMP, loop, 0);
      patch(loop, alternative, n);
      patch(alternative, raw, encoded);
    }
  }
}
