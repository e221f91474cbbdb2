package dev.herald.app;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads a rate per second as people write it: {@code 10/s}, {@code 600/min}, {@code 0.5/s}, or a
 * plain number per second; {@code 0} is no limit.
 */
final class RateConverter implements CommandLine.ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    double per = 1;
    if (v.endsWith("/s")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("/min")) {
      v = v.substring(0, v.length() - 4);
      per = 60;
    }
    try {
      double rate = Double.parseDouble(v.strip()) / per;
      if (rate >= 0 && !Double.isInfinite(rate)) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // one clear message below
    }
    throw new CommandLine.TypeConversionException(
        "invalid rate '" + value + "' (expected e.g. 10/s, 600/min, 0 for no limit)");
  }
}
