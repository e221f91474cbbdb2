package dev.herald.app;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads durations as people write them: {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code
 * 0} (off), or ISO-8601 ({@code PT15S}).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d = parse(value);
    if (d.isNegative()) {
      throw new CommandLine.TypeConversionException(
          "invalid duration '" + value + "' (expected: not negative)");
    }
    return d;
  }

  private static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.equals("0")) {
        return Duration.ZERO;
      }
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long amount = Long.parseLong(v.substring(0, v.length() - 1));
      switch (v.charAt(v.length() - 1)) {
        case 's':
          return Duration.ofSeconds(amount);
        case 'm':
          return Duration.ofMinutes(amount);
        case 'h':
          return Duration.ofHours(amount);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the one clear message below
    }
    throw new CommandLine.TypeConversionException(
        "invalid duration '" + value + "' (expected e.g. 15s, 500ms, 2m, 0)");
  }
}
