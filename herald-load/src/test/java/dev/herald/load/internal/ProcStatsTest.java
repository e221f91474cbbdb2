package dev.herald.load.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatsTest {
  // A real line, with a command name holding a space and a parenthesis.
  private static final String STAT =
      "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 81021 0 12 0 1530 270 0 0 20 0 41 0 123"
          + " 6000000000 80000 18446744073709551615 1 1 0 0 0 0 0 3 16384 0 0 0 17 1 0 0 0 0 0\n";

  private static final String STATUS =
      "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 9000000 kB\n"
          + "VmHWM:\t  412344 kB\nVmRSS:\t  398120 kB\nThreads:\t41\n";

  @Test
  void cpuTicksAreUtimePlusStimeCountedFromTheLastParenthesis() {
    assertThat(ProcStats.cpuTicks(STAT)).isEqualTo(1530 + 270);
  }

  @Test
  void malformedStatIsReportedAsMinusOne() {
    assertThat(ProcStats.cpuTicks("garbage")).isEqualTo(-1);
    assertThat(ProcStats.cpuTicks("1 (x) S 1 2")).isEqualTo(-1);
    assertThat(ProcStats.cpuTicks("1 (x) S 1 2 3 4 5 6 7 8 9 a b c")).isEqualTo(-1);
  }

  @Test
  void readsResidentAndPeakMemoryInKiB() {
    assertThat(ProcStats.statusKiB(STATUS, "VmRSS")).hasValue(398120);
    assertThat(ProcStats.statusKiB(STATUS, "VmHWM")).hasValue(412344);
    assertThat(ProcStats.statusKiB(STATUS, "VmSwap")).isEmpty();
  }

  @Test
  void samplesADirectoryAndComputesCpuSeconds(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("stat"), STAT);
    Files.writeString(dir.resolve("status"), STATUS);

    ProcStats.Sample sample = ProcStats.sample(dir, 4242);

    assertThat(sample).isEqualTo(new ProcStats.Sample(1800, 398120, 412344));
    assertThat(sample.cpuSecondsSince(new ProcStats.Sample(1600, 0, 0))).isEqualTo(2.0);
  }

  @Test
  void aMissingProcessIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> ProcStats.sample(dir.resolve("nope"), 99))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("process 99");
  }

  @Test
  void samplesThisProcess() {
    ProcStats.Sample sample = ProcStats.sample(ProcessHandle.current().pid());

    assertThat(sample.rssKiB()).isPositive();
    assertThat(sample.peakRssKiB()).isGreaterThanOrEqualTo(sample.rssKiB());
  }

  @Test
  void readsTheSoftOpenFilesLimit() {
    String limits =
        "Limit                     Soft Limit           Hard Limit           Units\n"
            + "Max processes             94520                94520                processes\n"
            + "Max open files            20000                40000                files\n";

    assertThat(ProcStats.openFilesLimit(limits)).isEqualTo(20000);
    assertThat(ProcStats.openFilesLimit("Max open files  unlimited unlimited files\n"))
        .isEqualTo(-1);
    assertThat(ProcStats.openFilesLimit("")).isEqualTo(-1);
  }
}
