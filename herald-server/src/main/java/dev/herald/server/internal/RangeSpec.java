package dev.herald.server.internal;

import org.jspecify.annotations.Nullable;

/**
 * What a {@code Range} header asks of a representation of known length, by RFC 9110 §14: nothing
 * (no header, a malformed one, another unit, or several ranges, which this server answers with the
 * whole representation), one satisfiable byte range, or nothing satisfiable ({@code 416}).
 *
 * @param kind what to send
 * @param first the first byte of a {@link Kind#SINGLE} range, inclusive
 * @param last the last byte of a {@link Kind#SINGLE} range, inclusive
 */
record RangeSpec(Kind kind, long first, long last) {
  /** The outcome of a {@code Range} header. */
  enum Kind {
    /** Send the whole representation with {@code 200}. */
    WHOLE,
    /** Send bytes {@code first..last} with {@code 206}. */
    SINGLE,
    /** Send {@code 416} with {@code Content-Range: bytes *}{@code /length}. */
    UNSATISFIABLE
  }

  static final RangeSpec WHOLE = new RangeSpec(Kind.WHOLE, -1, -1);
  static final RangeSpec UNSATISFIABLE = new RangeSpec(Kind.UNSATISFIABLE, -1, -1);

  /** Returns the number of bytes of a {@link Kind#SINGLE} range. */
  long length() {
    return last - first + 1;
  }

  /**
   * Returns what the header asks of a representation of {@code length} bytes. A header this server
   * cannot read is ignored, as RFC 9110 §14.2 allows: the client gets the whole representation.
   */
  static RangeSpec parse(@Nullable String header, long length) {
    if (header == null) {
      return WHOLE;
    }
    String value = header.trim();
    int equals = value.indexOf('=');
    if (equals < 0 || !value.substring(0, equals).equalsIgnoreCase("bytes")) {
      return WHOLE;
    }
    RangeSpec found = null;
    int specs = 0;
    int satisfiable = 0;
    boolean wholeEmpty = false;
    for (String element : value.substring(equals + 1).split(",", -1)) {
      String spec = element.strip();
      if (spec.isEmpty()) {
        continue; // an empty list element is allowed and ignored (RFC 9110 §5.6.1)
      }
      specs++;
      RangeSpec range = one(spec, length);
      if (range == null) {
        return WHOLE; // malformed: ignore the whole header
      }
      if (range == WHOLE) {
        wholeEmpty = true;
      } else if (range.kind == Kind.SINGLE) {
        satisfiable++;
        found = range;
      }
    }
    if (specs == 0) {
      return WHOLE; // "bytes=" names no range: malformed
    }
    if (satisfiable == 1 && !wholeEmpty) {
      return found;
    }
    if (satisfiable == 0 && !wholeEmpty) {
      return UNSATISFIABLE;
    }
    return WHOLE; // several ranges, or a suffix of an empty representation
  }

  /**
   * Returns one range-spec resolved against the length: {@link Kind#SINGLE} if satisfiable, {@link
   * #UNSATISFIABLE} if not, {@link #WHOLE} for a non-empty suffix of an empty representation, or
   * null if malformed.
   */
  private static @Nullable RangeSpec one(String spec, long length) {
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String firstText = spec.substring(0, dash);
    String lastText = spec.substring(dash + 1);
    if (firstText.isEmpty()) {
      long suffix = digits(lastText);
      if (suffix < 0) {
        return null;
      }
      if (suffix == 0) {
        return UNSATISFIABLE;
      }
      if (length == 0) {
        return WHOLE;
      }
      return new RangeSpec(Kind.SINGLE, Math.max(0, length - suffix), length - 1);
    }
    long first = digits(firstText);
    long last = lastText.isEmpty() ? Long.MAX_VALUE : digits(lastText);
    if (first < 0 || last < 0 || last < first) {
      return null;
    }
    if (first >= length) {
      return UNSATISFIABLE;
    }
    return new RangeSpec(Kind.SINGLE, first, Math.min(last, length - 1));
  }

  /** Returns the decimal value, {@link Long#MAX_VALUE} if it overflows, or -1 if not digits. */
  private static long digits(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (value > (Long.MAX_VALUE - 9) / 10) {
        value = Long.MAX_VALUE;
      } else {
        value = value * 10 + (c - '0');
      }
    }
    return value;
  }
}
