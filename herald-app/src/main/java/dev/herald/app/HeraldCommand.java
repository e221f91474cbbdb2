package dev.herald.app;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code herald} command: serves the hub, mints development tokens, generates load. */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    versionProvider = HeraldCommand.Version.class,
    description = "Real-time push over Server-Sent Events: a Mercure hub on the JVM.",
    subcommands = {
      ServeCommand.class,
      TokenCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class HeraldCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code: 0 on success, 2 for invalid options. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code, without exiting. */
  public static int run(String... args) {
    return run(System.getenv(), args);
  }

  /**
   * Runs the command line with these environment variables (for {@code HERALD_*} and {@code
   * HERALD_CONFIG}) and returns its exit code.
   */
  static int run(Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new HeraldCommand());
    cli.setParameterExceptionHandler(
        (e, a) -> {
          e.getCommandLine()
              .getErr()
              .println(
                  "herald: "
                      + e.getMessage()
                      + origin(e)
                      + " (see '"
                      + e.getCommandLine().getCommandSpec().qualifiedName()
                      + " --help')");
          return 2;
        });
    try {
      ConfigDefaults.install(
          env, args, cli.getSubcommands().get("serve"), cli.getSubcommands().get("token"));
    } catch (ConfigDefaults.ConfigException e) {
      cli.getErr().println("herald: " + e.getMessage());
      return 2;
    }
    return cli.execute(args);
  }

  /** Returns where an invalid value came from, when not from a flag: " (from …)", or "". */
  private static String origin(CommandLine.ParameterException e) {
    CommandLine.IDefaultValueProvider provider =
        e.getCommandLine().getCommandSpec().defaultValueProvider();
    if (provider instanceof ConfigDefaults
        && e.getArgSpec() instanceof CommandLine.Model.OptionSpec) {
      String origin =
          ((ConfigDefaults) provider).origin((CommandLine.Model.OptionSpec) e.getArgSpec());
      boolean flag =
          e.getCommandLine().getParseResult() != null
              && e.getCommandLine()
                  .getParseResult()
                  .hasMatchedOption((CommandLine.Model.OptionSpec) e.getArgSpec());
      if (origin != null && !flag) {
        return " (from " + origin + ")";
      }
    }
    return "";
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reports the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = HeraldCommand.class.getPackage().getImplementationVersion();
      return new String[] {"herald " + (v == null ? "development build" : v)};
    }
  }
}
