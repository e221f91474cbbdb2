package dev.herald.app;

import dev.herald.load.BenchException;
import dev.herald.load.BenchReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code herald bench}: the load generator, one subcommand per mode. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Generates load against any server speaking the Mercure subset: subscribe with"
          + " GET <url>?topic=<topic> (text/event-stream), publish with POST <url>, form"
          + " topic=...&data=... (200).",
      "Prints a progress line a second on stderr, a table on stdout at the end, and JSON with"
          + " --json. Exit code 0 when the run completed (check 'lost' for loss), 1 when the server"
          + " refused, failed or stopped answering, 2 for invalid options.",
      "Connections leave from several 127.0.0.x addresses so ephemeral ports never run out; one"
          + " process opens at most 19000 (open-files limit)."
    },
    subcommands = {
      BenchModes.Fanout.class,
      BenchModes.Idle.class,
      BenchModes.Saturate.class,
      BenchModes.Resume.class
    })
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a mode is required: fanout, idle, saturate or resume");
  }

  /**
   * Runs one mode: turns invalid numbers into exit code 2, a failed run into exit code 1 with one
   * {@code herald:} line, and prints the table and writes the JSON of a completed run.
   */
  static int execute(
      CommandSpec spec, BenchTarget options, String title, Supplier<BenchReport> run) {
    BenchReport report;
    try {
      report = run.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (BenchException e) {
      spec.commandLine().getErr().println("herald: bench failed: " + e.getMessage());
      return 1;
    }
    PrintStream out = System.out;
    out.println(title);
    out.print(report.table());
    out.flush();
    @Nullable Path json = options.json;
    if (json != null) {
      try {
        Files.writeString(json, report.json() + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        spec.commandLine().getErr().println("herald: cannot write " + json + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  /** Returns the stream progress lines go to: standard error. */
  static PrintStream progress() {
    return System.err;
  }
}
