package dev.herald.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies the value of every option not given as a flag: from its {@code HERALD_…} environment
 * variable (the long name upper-cased, dashes as underscores: {@code --history-max-age} → {@code
 * HERALD_HISTORY_MAX_AGE}), else from the configuration file, else picocli uses the option's
 * built-in default. Any option gets environment and file support without more code.
 *
 * <p>The file ({@code --config FILE}, or {@code HERALD_CONFIG}) holds one {@code key = value} or
 * {@code key: value} per line, keys being long option names without the dashes; blank lines and
 * lines starting with {@code #} are ignored, and a value may be quoted. A list is comma-separated:
 * {@code cors-origin = https://a.example, https://b.example}. An unknown or repeated key is an
 * error, reported before anything starts.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
  /** The environment variable naming the configuration file. */
  static final String CONFIG_ENV = "HERALD_CONFIG";

  /** The option naming the configuration file. */
  static final String CONFIG_OPTION = "--config";

  /** An unreadable or invalid configuration file; the message names it, and the line. */
  static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }

  private final Map<String, String> env;
  private final Map<String, String> file;
  private final @Nullable Path path;

  /** The keys of the options this supplies; null for all. */
  private final @Nullable Set<String> keys;

  private ConfigDefaults(
      Map<String, String> env,
      Map<String, String> file,
      @Nullable Path path,
      @Nullable Set<String> keys) {
    this.env = env;
    this.file = file;
    this.path = path;
    this.keys = keys;
  }

  /**
   * Reads the configuration file named in {@code args} or {@code env}, if any, checks its keys
   * against the command's options, and makes the command take defaults from {@code env} and it.
   *
   * @throws ConfigException if the file cannot be read, or has a malformed line or an unknown or
   *     repeated key
   */
  static void install(CommandLine command, Map<String, String> env, String... args)
      throws ConfigException {
    install(env, args, command);
  }

  /**
   * Reads the configuration file named in {@code args} or {@code env}, if any, checks its keys
   * against the options of {@code main}, and makes {@code main} take defaults from {@code env} and
   * it. Each command of {@code sharing} takes defaults from them only for the options it shares
   * with {@code main}: {@code herald token} signs with the {@code jwt-key} of {@code herald
   * serve}'s file.
   *
   * @throws ConfigException if the file cannot be read, or has a malformed line or an unknown or
   *     repeated key
   */
  static void install(
      Map<String, String> env, String[] args, CommandLine main, CommandLine... sharing)
      throws ConfigException {
    Path path = configPath(env, args);
    Map<String, String> file = path == null ? Map.of() : read(path, main.getCommandSpec());
    Map<String, String> vars = Map.copyOf(env);
    main.setDefaultValueProvider(new ConfigDefaults(vars, file, path, null));
    main.setHelpFactory(Help::new);
    Set<String> mainKeys = keys(main.getCommandSpec());
    for (CommandLine other : sharing) {
      Set<String> shared = new HashSet<>(keys(other.getCommandSpec()));
      shared.retainAll(mainKeys);
      other.setDefaultValueProvider(new ConfigDefaults(vars, file, path, Set.copyOf(shared)));
      other.setHelpFactory(Help::new);
    }
  }

  private static Set<String> keys(CommandSpec spec) {
    Set<String> keys = new HashSet<>();
    for (OptionSpec option : spec.options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        keys.add(key(option));
      }
    }
    return keys;
  }

  /** Returns whether this supplies the option's value from the environment or the file. */
  boolean supplies(OptionSpec option) {
    return !option.usageHelp()
        && !option.versionHelp()
        && (keys == null || keys.contains(key(option)));
  }

  @Override
  public @Nullable String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec)) {
      return null;
    }
    OptionSpec option = (OptionSpec) arg;
    if (!supplies(option)) {
      return null;
    }
    String value = env.get(envName(option));
    if (value == null) {
      value = file.get(key(option));
    }
    return value == null || !option.isMultiValue()
        ? value
        : value.strip().replaceAll("\\s*,\\s*", ",");
  }

  /**
   * Returns where an option's value came from when it was not a flag, for error messages: {@code
   * "environment variable HERALD_PORT"}, {@code "config file herald.conf"}, or null.
   */
  @Nullable String origin(OptionSpec option) {
    if (!supplies(option)) {
      return null;
    }
    if (env.containsKey(envName(option))) {
      return "environment variable " + envName(option);
    }
    if (file.containsKey(key(option))) {
      return "config file " + path;
    }
    return null;
  }

  /**
   * Returns the environment variable of an option: {@code --max-body-size} → {@code
   * HERALD_MAX_BODY_SIZE}.
   */
  static String envName(OptionSpec option) {
    return "HERALD_" + key(option).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  private static @Nullable Path configPath(Map<String, String> env, String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith(CONFIG_OPTION + "=")) {
        return Path.of(args[i].substring(CONFIG_OPTION.length() + 1));
      }
      if (args[i].equals("--")) {
        break;
      }
    }
    String fromEnv = env.get(CONFIG_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }

  private static Map<String, String> read(Path path, CommandSpec spec) throws ConfigException {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + path + ": no such file");
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("config file " + path + ": cannot read it (" + e + ")");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int n = 1; n <= lines.size(); n++) {
      String line = lines.get(n - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "config file " + path + ", line " + n;
      int eq = line.indexOf('=');
      int colon = line.indexOf(':');
      int sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
      if (sep <= 0) {
        throw new ConfigException(where + ": expected \"key = value\"");
      }
      String key = line.substring(0, sep).strip();
      OptionSpec option = spec.findOption("--" + key);
      if (option == null
          || option.usageHelp()
          || option.versionHelp()
          || option.longestName().equals(CONFIG_OPTION)
          || !option.longestName().equals("--" + key)) {
        throw new ConfigException(where + ": unknown key '" + key + "'");
      }
      if (values.put(key, unquote(line.substring(sep + 1).strip())) != null) {
        throw new ConfigException(where + ": key '" + key + "' is set twice");
      }
    }
    return Map.copyOf(values);
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** Help that shows each option's environment variable and built-in default under it. */
  static final class Help extends CommandLine.Help {
    Help(CommandSpec spec, ColorScheme scheme) {
      super(spec, scheme);
    }

    @Override
    public IOptionRenderer createDefaultOptionRenderer() {
      IOptionRenderer standard = super.createDefaultOptionRenderer();
      return (option, labels, scheme) -> {
        Text[][] rows = standard.render(option, labels, scheme);
        if (!(option.command().defaultValueProvider() instanceof ConfigDefaults)
            || !((ConfigDefaults) option.command().defaultValueProvider()).supplies(option)
            || rows.length == 0) {
          return rows;
        }
        String defaultValue =
            option.defaultValue() != null
                ? option.defaultValue()
                : option.type() == boolean.class ? "false" : null;
        String line =
            "  env " + envName(option) + (defaultValue == null ? "" : "; default " + defaultValue);
        Text[] extra = new Text[rows[0].length];
        for (int i = 0; i < extra.length; i++) {
          extra[i] = scheme.text("");
        }
        extra[extra.length - 1] = scheme.text(line);
        Text[][] all = java.util.Arrays.copyOf(rows, rows.length + 1);
        all[rows.length] = extra;
        return all;
      };
    }
  }
}
