package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Where {@code herald serve} takes each option from: flag, environment, file, default. */
class ConfigDefaultsTest {
  @TempDir Path dir;

  @Test
  void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path file =
        config(
            "# every level sets the port; the file alone sets the heartbeat",
            "port = 1",
            "history-size: 2",
            "heartbeat = 3s",
            "host = 127.0.0.3");
    ServeCommand serve =
        parse(
            Map.of("HERALD_PORT", "2", "HERALD_HISTORY_SIZE", "22", "HERALD_HOST", "127.0.0.2"),
            "--config",
            file.toString(),
            "--port",
            "3");

    assertThat(serve.port).as("flag").isEqualTo(3);
    assertThat(serve.historySize).as("environment over file").isEqualTo(22);
    assertThat(serve.host).as("environment over file").isEqualTo("127.0.0.2");
    assertThat(serve.heartbeat).as("file over default").isEqualTo(Duration.ofSeconds(3));
    assertThat(serve.writeTimeout).as("default").isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void configFileMayBeNamedByTheEnvironmentAndTheFlagWins() throws Exception {
    Path fromEnv = config("port = 1111");
    Path fromFlag = config("port = 2222");
    assertThat(parse(Map.of("HERALD_CONFIG", fromEnv.toString())).port).isEqualTo(1111);
    assertThat(parse(Map.of("HERALD_CONFIG", fromEnv.toString()), "--config=" + fromFlag).port)
        .isEqualTo(2222);
  }

  @Test
  void fileListsAreCommaSeparatedAndValuesMayBeQuoted() throws Exception {
    Path file =
        config(
            "cors-origin = https://a.example, https://b.example",
            "jwt-key = \"a key with spaces and = and : inside\"",
            "anonymous: true",
            "publish-rate = 10/s");
    ServeCommand serve = parse(Map.of(), "--config", file.toString());

    assertThat(serve.corsOrigins).containsExactly("https://a.example", "https://b.example");
    assertThat(serve.jwtKey).isEqualTo("a key with spaces and = and : inside");
    assertThat(serve.anonymous).isTrue();
    assertThat(serve.publishRate).isEqualTo(10.0);
  }

  @Test
  void everyOptionHasItsEnvironmentVariableIncludingTheExistingNames() {
    CommandLine cli = new CommandLine(new ServeCommand());
    Map<String, String> names =
        cli.getCommandSpec().options().stream()
            .filter(o -> !o.usageHelp() && !o.versionHelp())
            .collect(Collectors.toMap(OptionSpec::longestName, ConfigDefaults::envName));

    assertThat(names)
        .containsEntry("--host", "HERALD_HOST")
        .containsEntry("--port", "HERALD_PORT")
        .containsEntry("--jwt-key", "HERALD_JWT_KEY")
        .containsEntry("--publisher-jwt-key", "HERALD_PUBLISHER_JWT_KEY")
        .containsEntry("--subscriber-jwt-key", "HERALD_SUBSCRIBER_JWT_KEY")
        .containsEntry("--jwt-public-key", "HERALD_JWT_PUBLIC_KEY")
        .containsEntry("--jwks", "HERALD_JWKS")
        .containsEntry("--publish-origin", "HERALD_PUBLISH_ORIGIN")
        .containsEntry("--anonymous", "HERALD_ANONYMOUS")
        .containsEntry("--heartbeat", "HERALD_HEARTBEAT")
        .containsEntry("--history-size", "HERALD_HISTORY_SIZE")
        .containsEntry("--history-max-age", "HERALD_HISTORY_MAX_AGE")
        .containsEntry("--history-dir", "HERALD_HISTORY_DIR")
        .containsEntry("--cors-origin", "HERALD_CORS_ORIGIN")
        .containsEntry("--subscriptions", "HERALD_SUBSCRIPTIONS")
        .containsEntry("--config", "HERALD_CONFIG")
        .containsEntry("--max-connections-per-address", "HERALD_MAX_CONNECTIONS_PER_ADDRESS");
  }

  @Test
  void existingEnvironmentVariablesStillWork() throws Exception {
    ServeCommand serve =
        parse(
            Map.of(
                "HERALD_JWT_KEY", "k",
                "HERALD_PUBLISHER_JWT_KEY", "p",
                "HERALD_SUBSCRIBER_JWT_KEY", "s",
                "HERALD_HISTORY_MAX_AGE", "1h",
                "HERALD_CORS_ORIGIN", "https://a.example,https://b.example",
                "HERALD_SUBSCRIPTIONS", "true",
                "HERALD_ANONYMOUS", "true"));
    assertThat(serve.jwtKey).isEqualTo("k");
    assertThat(serve.publisherKey).isEqualTo("p");
    assertThat(serve.subscriberKey).isEqualTo("s");
    assertThat(serve.historyMaxAge).isEqualTo(Duration.ofHours(1));
    assertThat(serve.corsOrigins).containsExactly("https://a.example", "https://b.example");
    assertThat(serve.subscriptions).isTrue();
    assertThat(serve.anonymous).isTrue();
  }

  @Test
  void helpShowsEachOptionsVariableAndBuiltInDefaultNeverTheEnvironmentsValue() throws Exception {
    CommandLine cli = new CommandLine(new ServeCommand());
    ConfigDefaults.install(cli, Map.of("HERALD_JWT_KEY", "secret-from-env", "HERALD_PORT", "9"));
    String help = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);

    assertThat(help)
        .contains("env HERALD_PORT; default 8080")
        .contains("env HERALD_JWT_KEY")
        .contains("env HERALD_WRITE_TIMEOUT; default 30s")
        .doesNotContain("secret-from-env");
  }

  @Test
  void unknownKeyIsAnErrorNamingItAndTheLine() throws Exception {
    Path file = config("port = 1", "", "prot = 2");
    assertThatThrownBy(() -> parse(Map.of(), "--config", file.toString()))
        .isInstanceOf(ConfigDefaults.ConfigException.class)
        .hasMessage("config file " + file + ", line 3: unknown key 'prot'");
  }

  @Test
  void helpAndConfigAreNotKeysAndNeitherAreShortNames() throws Exception {
    for (String key : List.of("help", "version", "config", "h")) {
      Path file = config(key + " = true");
      assertThatThrownBy(() -> parse(Map.of(), "--config", file.toString()))
          .hasMessageEndingWith("unknown key '" + key + "'");
    }
  }

  @Test
  void repeatedKeyOrMalformedLineIsAnError() throws Exception {
    Path twice = config("port = 1", "port = 2");
    assertThatThrownBy(() -> parse(Map.of(), "--config", twice.toString()))
        .hasMessageEndingWith("line 2: key 'port' is set twice");
    Path malformed = config("just words");
    assertThatThrownBy(() -> parse(Map.of(), "--config", malformed.toString()))
        .hasMessageEndingWith("line 1: expected \"key = value\"");
    assertThatThrownBy(() -> parse(Map.of(), "--config", dir.resolve("none").toString()))
        .hasMessageEndingWith("none: no such file");
  }

  @Test
  void invalidValueInTheFileFailsTheParse() throws Exception {
    Path file = config("port = abc");
    assertThatThrownBy(() -> parse(Map.of(), "--config", file.toString()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'abc' is not an int");
  }

  private ServeCommand parse(Map<String, String> env, String... args) throws Exception {
    ServeCommand serve = new ServeCommand();
    CommandLine cli = new CommandLine(serve);
    ConfigDefaults.install(cli, env, args);
    cli.parseArgs(args);
    return serve;
  }

  private Path config(String... lines) throws Exception {
    return Files.write(Files.createTempFile(dir, "herald", ".conf"), List.of(lines));
  }
}
