package dev.herald.benchmarks;

/** Deterministic ASCII payloads for the benchmarks. */
final class Payloads {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private Payloads() {}

  /**
   * Returns a JSON-looking line of exactly {@code length} ASCII characters (at least 16), varied by
   * {@code seed}.
   */
  static String line(int length, int seed) {
    String head = "{\"n\":" + (seed % 100_000) + ",\"t\":\"";
    String tail = "\"}";
    StringBuilder b = new StringBuilder(length).append(head);
    for (int i = 0; b.length() < length - tail.length(); i++) {
      b.append(ALPHABET.charAt((seed + i) % ALPHABET.length()));
    }
    return b.append(tail).toString();
  }

  /** Returns {@code count} lines of {@code length} characters each, joined by LF. */
  static String lines(int count, int length) {
    StringBuilder b = new StringBuilder(count * (length + 1));
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        b.append('\n');
      }
      b.append(line(length, i));
    }
    return b.toString();
  }
}
