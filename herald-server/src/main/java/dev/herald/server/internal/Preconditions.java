package dev.herald.server.internal;

import dev.herald.server.Request;
import io.netty.handler.codec.DateFormatter;
import java.util.Date;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates the conditional headers of a request against a file's validators, in the order of RFC
 * 9110 §13.2.2: {@code If-Match}, else {@code If-Unmodified-Since}; then {@code If-None-Match},
 * else {@code If-Modified-Since}; {@code If-Range} decides separately whether a {@code Range}
 * applies. Dates compare at the second, the precision of an HTTP date.
 */
final class Preconditions {
  /** What the conditional headers decide. */
  enum Outcome {
    /** Send the representation (or the range). */
    PROCEED,
    /** Send {@code 304 Not Modified}. */
    NOT_MODIFIED,
    /** Send {@code 412 Precondition Failed}. */
    FAILED
  }

  private Preconditions() {}

  /** Returns a strong entity tag from a file's size and modification time (in microseconds). */
  static String etag(long size, long modifiedMicros) {
    return "\"" + Long.toHexString(size) + "-" + Long.toHexString(modifiedMicros) + "\"";
  }

  /** Returns the IMF-fixdate of a time in seconds since the epoch. */
  static String httpDate(long epochSeconds) {
    return DateFormatter.format(new Date(epochSeconds * 1000));
  }

  /**
   * Returns what the conditional headers decide for a file with this (strong) entity tag and
   * modification time. For a method other than {@code GET} and {@code HEAD}, a matching {@code
   * If-None-Match} fails the request instead of answering 304, and {@code If-Modified-Since} is
   * ignored.
   */
  static Outcome evaluate(Request request, String etag, long modifiedSeconds, boolean getOrHead) {
    List<String> ifMatch = request.headers("If-Match");
    if (!ifMatch.isEmpty()) {
      if (!matches(ifMatch, etag, true)) {
        return Outcome.FAILED;
      }
    } else {
      long since = date(request.header("If-Unmodified-Since"));
      if (since != Long.MIN_VALUE && modifiedSeconds > since) {
        return Outcome.FAILED;
      }
    }
    List<String> ifNoneMatch = request.headers("If-None-Match");
    if (!ifNoneMatch.isEmpty()) {
      if (!matches(ifNoneMatch, etag, false)) {
        return Outcome.PROCEED;
      }
      return getOrHead ? Outcome.NOT_MODIFIED : Outcome.FAILED;
    }
    if (!getOrHead) {
      return Outcome.PROCEED;
    }
    long since = date(request.header("If-Modified-Since"));
    if (since != Long.MIN_VALUE && modifiedSeconds <= since) {
      return Outcome.NOT_MODIFIED;
    }
    return Outcome.PROCEED;
  }

  /**
   * Returns whether a {@code Range} applies under the request's {@code If-Range} (RFC 9110
   * §13.1.5): yes without one; with an entity tag only if it strongly matches; with a date only if
   * it equals the modification time. Anything else means the client gets the whole file.
   */
  static boolean rangeApplies(@Nullable String ifRange, String etag, long modifiedSeconds) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return matches(List.of(value), etag, true) && !value.contains(",");
    }
    long date = date(value);
    return date != Long.MIN_VALUE && date == modifiedSeconds;
  }

  /**
   * Returns whether the entity-tag lists (header lines of {@code #entity-tag}, or {@code *}) match
   * the tag, comparing strongly (both strong and equal) or weakly (equal once {@code W/} is
   * dropped). A malformed list matches nothing.
   */
  static boolean matches(List<String> lines, String etag, boolean strong) {
    for (String line : lines) {
      if (line.trim().equals("*")) {
        return true;
      }
      int i = 0;
      int n = line.length();
      while (i < n) {
        char c = line.charAt(i);
        if (c == ' ' || c == '\t' || c == ',') {
          i++;
          continue;
        }
        boolean weak = line.startsWith("W/", i);
        int open = weak ? i + 2 : i;
        if (open >= n || line.charAt(open) != '"') {
          return false;
        }
        int close = line.indexOf('"', open + 1);
        if (close < 0) {
          return false;
        }
        if ((!strong || !weak)
            && line.regionMatches(open, etag, 0, etag.length())
            && close + 1 - open == etag.length()) {
          return true;
        }
        i = close + 1;
      }
    }
    return false;
  }

  /** Returns an HTTP date in seconds since the epoch, or {@link Long#MIN_VALUE} if invalid. */
  private static long date(@Nullable String text) {
    if (text == null) {
      return Long.MIN_VALUE;
    }
    Date date = DateFormatter.parseHttpDate(text.trim());
    return date == null ? Long.MIN_VALUE : Math.floorDiv(date.getTime(), 1000);
  }
}
