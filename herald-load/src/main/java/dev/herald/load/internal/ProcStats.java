package dev.herald.load.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads a process's CPU time and memory from Linux's {@code /proc}: {@code utime + stime} from
 * {@code /proc/PID/stat}, {@code VmRSS} and {@code VmHWM} from {@code /proc/PID/status}.
 */
public final class ProcStats {
  /**
   * Clock ticks per second of {@code /proc/PID/stat}: {@code USER_HZ}, which is 100 on every Linux
   * architecture Java runs on ({@code getconf CLK_TCK}).
   */
  public static final int CLOCK_TICKS_PER_SECOND = 100;

  /** One reading of a process. */
  public record Sample(long cpuTicks, long rssKiB, long peakRssKiB) {
    /** Returns the CPU seconds used between {@code earlier} and this sample. */
    public double cpuSecondsSince(Sample earlier) {
      return (double) (cpuTicks - earlier.cpuTicks) / CLOCK_TICKS_PER_SECOND;
    }
  }

  private ProcStats() {}

  /**
   * Returns a reading of process {@code pid}.
   *
   * @throws IllegalStateException if the process does not exist or its files cannot be read or
   *     parsed
   */
  public static Sample sample(long pid) {
    return sample(Path.of("/proc", Long.toString(pid)), pid);
  }

  static Sample sample(Path dir, long pid) {
    try {
      String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
      String status = Files.readString(dir.resolve("status"), StandardCharsets.UTF_8);
      long ticks = cpuTicks(stat);
      OptionalLong rss = statusKiB(status, "VmRSS");
      OptionalLong hwm = statusKiB(status, "VmHWM");
      if (ticks < 0 || rss.isEmpty() || hwm.isEmpty()) {
        throw new IllegalStateException("cannot parse " + dir + "/stat or status");
      }
      return new Sample(ticks, rss.getAsLong(), hwm.getAsLong());
    } catch (IOException e) {
      throw new IllegalStateException(
          "process " + pid + ": cannot read " + dir + " (" + e + ")", e);
    }
  }

  /**
   * Returns {@code utime + stime} in clock ticks from the text of {@code /proc/PID/stat}, or -1 if
   * it cannot be parsed. The command name (field 2) may contain spaces and parentheses, so fields
   * are counted from its last {@code ')'}.
   */
  static long cpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return -1;
    }
    String[] fields = stat.substring(close + 1).strip().split("\\s+");
    // After ")": field 3 (state) is index 0, so utime (field 14) is index 11 and stime index 12.
    if (fields.length < 13) {
      return -1;
    }
    try {
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Returns the value in KiB of a {@code Name: 123 kB} line of {@code /proc/PID/status}. */
  static OptionalLong statusKiB(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        String value = line.substring(name.length() + 1).strip();
        int space = value.indexOf(' ');
        try {
          return OptionalLong.of(Long.parseLong(space < 0 ? value : value.substring(0, space)));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Returns the soft limit of open files of this process from {@code /proc/self/limits}, or -1 if
   * unknown or unlimited.
   */
  public static long openFilesLimit() {
    try {
      return openFilesLimit(Files.readString(Path.of("/proc/self/limits"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return -1;
    }
  }

  static long openFilesLimit(String limits) {
    for (String line : limits.split("\n")) {
      if (line.startsWith("Max open files")) {
        String[] parts = line.substring("Max open files".length()).strip().split("\\s+");
        try {
          return Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
