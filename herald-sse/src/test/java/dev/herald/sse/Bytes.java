package dev.herald.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds byte arrays for tests. */
final class Bytes {
  private Bytes() {}

  /** Concatenates the parts: a String as UTF-8, an Integer as one byte. */
  static byte[] of(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String) {
        out.writeBytes(((String) part).getBytes(StandardCharsets.UTF_8));
      } else if (part instanceof Integer) {
        int b = (Integer) part;
        if (b < 0 || b > 0xFF) {
          throw new IllegalArgumentException("not a byte: " + b);
        }
        out.write(b);
      } else {
        throw new IllegalArgumentException("not a String or Integer: " + part);
      }
    }
    return out.toByteArray();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
