package dev.herald.app;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads byte sizes as people write them: {@code 65536}, {@code 64KiB} or {@code 64k}, {@code 1MiB}
 * or {@code 1m} (binary multiples); at least 1 and at most 2 GiB - 1.
 */
final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    long multiple = 1;
    if (v.endsWith("kib") || v.endsWith("k")) {
      multiple = 1 << 10;
    } else if (v.endsWith("mib") || v.endsWith("m")) {
      multiple = 1 << 20;
    }
    String digits = v.replaceFirst("(kib|mib|k|m)$", "").strip();
    try {
      long bytes = Math.multiplyExact(Long.parseLong(digits), multiple);
      if (bytes >= 1 && bytes <= Integer.MAX_VALUE) {
        return (int) bytes;
      }
    } catch (ArithmeticException | NumberFormatException e) {
      // one clear message below
    }
    throw new CommandLine.TypeConversionException(
        "invalid size '" + value + "' (expected e.g. 65536, 64KiB, 1MiB; at least 1)");
  }
}
