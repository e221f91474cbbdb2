package dev.herald.sse;

import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 as the WHATWG Encoding Standard's "UTF-8 decode without BOM" does: every maximal
 * invalid subpart becomes one U+FFFD.
 */
final class Utf8 {
  private static final char REPLACEMENT = '\uFFFD';

  private Utf8() {}

  static String decode(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return "";
    }
    // The JDK decoder agrees with the Encoding Standard except on encoded surrogates (ED A0..BF):
    // it replaces such a sequence with one U+FFFD where the standard replaces each byte.
    if (!containsEncodedSurrogate(bytes, offset, length)) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
    return decodeStepByStep(bytes, offset, length);
  }

  private static boolean containsEncodedSurrogate(byte[] bytes, int offset, int length) {
    int last = offset + length - 1;
    for (int i = offset; i < last; i++) {
      if (bytes[i] == (byte) 0xED && (bytes[i + 1] & 0xFF) >= 0xA0) {
        return true;
      }
    }
    return false;
  }

  /** Decodes without the JDK decoder. Package-private for tests, which compare both paths. */
  static String decodeStepByStep(byte[] bytes, int offset, int length) {
    SlowDecoder decoder = new SlowDecoder(length);
    int i = offset;
    int end = offset + length;
    while (i < end) {
      if (decoder.accept(bytes[i] & 0xFF)) {
        i++;
      }
    }
    return decoder.finish();
  }

  /** Follows the Encoding Standard's UTF-8 decoder step by step. */
  private static final class SlowDecoder {
    private final StringBuilder out;
    private int codePoint;
    private int needed;
    private int seen;
    private int lower = 0x80;
    private int upper = 0xBF;

    SlowDecoder(int capacity) {
      out = new StringBuilder(capacity);
    }

    /**
     * Returns false if the byte was not consumed: it ended an invalid sequence, and starts anew.
     */
    boolean accept(int b) {
      if (needed == 0) {
        lead(b);
      } else if (b < lower || b > upper) {
        expect(0, 0, 0x80, 0xBF);
        out.append(REPLACEMENT);
        return false;
      } else {
        continuation(b);
      }
      return true;
    }

    String finish() {
      if (needed != 0) {
        out.append(REPLACEMENT);
      }
      return out.toString();
    }

    private void lead(int b) {
      if (b <= 0x7F) {
        out.append((char) b);
      } else if (b >= 0xC2 && b <= 0xDF) {
        expect(1, b & 0x1F, 0x80, 0xBF);
      } else if (b >= 0xE0 && b <= 0xEF) {
        expect(2, b & 0x0F, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
      } else if (b >= 0xF0 && b <= 0xF4) {
        expect(3, b & 0x07, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
      } else {
        out.append(REPLACEMENT);
      }
    }

    private void continuation(int b) {
      lower = 0x80;
      upper = 0xBF;
      codePoint = (codePoint << 6) | (b & 0x3F);
      if (++seen == needed) {
        out.appendCodePoint(codePoint);
        expect(0, 0, 0x80, 0xBF);
      }
    }

    private void expect(int count, int bits, int lowerBound, int upperBound) {
      needed = count;
      codePoint = bits;
      seen = 0;
      lower = lowerBound;
      upper = upperBound;
    }
  }
}
