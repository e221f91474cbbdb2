package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.SseRecorder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the exit codes and messages of the real {@code herald} program, run in its own JVM. */
class ExitCodesTest {
  @RegisterExtension final Heralds heralds = new Heralds();

  static Stream<Arguments> invalidOptions() {
    return Stream.of(
        Arguments.of((Object) new String[] {"serve", "--port", "abc"}),
        Arguments.of((Object) new String[] {"serve", "--port", "70000"}),
        Arguments.of((Object) new String[] {"serve", "--port", "-1"}),
        Arguments.of((Object) new String[] {"serve", "--heartbeat", "5x"}),
        Arguments.of((Object) new String[] {"serve", "--heartbeat", "-1s"}),
        Arguments.of((Object) new String[] {"serve", "--history-max-age", "-1s"}),
        Arguments.of((Object) new String[] {"serve", "--history-size", "-1"}),
        Arguments.of((Object) new String[] {"serve", "--nope"}),
        Arguments.of((Object) new String[] {"serve", "--jwt-key", "short"}),
        Arguments.of((Object) new String[] {"serve", "--publisher-jwt-key", "short"}),
        Arguments.of((Object) new String[] {"serve", "--subscriber-jwt-key", "short"}),
        Arguments.of((Object) new String[] {"serve", "--no-metrics", "--metrics-token", "t"}),
        Arguments.of((Object) new String[] {"serve", "--metrics-token", " "}),
        Arguments.of((Object) new String[] {"--nope"}),
        Arguments.of((Object) new String[] {"nope"}));
  }

  @ParameterizedTest(name = "herald {0}")
  @MethodSource("invalidOptions")
  void invalidOptionsExitWithTwoAndOneLineOnStderr(String[] args) throws Exception {
    HeraldProcess herald = heralds.start(args);

    int code = herald.awaitExit();

    assertThat(herald.stderr()).as("stderr").hasSize(1);
    assertThat(herald.stderr().get(0)).startsWith("herald: ");
    assertThat(code).as("exit code; stderr %s", herald.stderr()).isEqualTo(2);
    assertThat(herald.stdout()).as("stdout").isEmpty();
  }

  @Test
  void invalidEnvironmentVariableExitsWithTwoAndOneLineOnStderr() throws Exception {
    HeraldProcess herald = heralds.start(Map.of("HERALD_PORT", "abc"), "serve");

    int code = herald.awaitExit();

    assertThat(herald.stderr()).as("stderr").singleElement().asString().startsWith("herald: ");
    assertThat(code).isEqualTo(2);
  }

  @Test
  void shortJwtKeyMessageNamesTheOptionThatWasGiven() throws Exception {
    HeraldProcess herald = heralds.start("serve", "--jwt-key", "short");

    assertThat(herald.awaitExit()).isEqualTo(2);

    assertThat(herald.stderr()).singleElement().asString().contains("--jwt-key:");
  }

  @Test
  void helpExitsWithZeroAndListsTheCommands() throws Exception {
    HeraldProcess herald = heralds.start("--help");

    assertThat(herald.awaitExit()).isZero();

    String out = String.join("\n", herald.stdout());
    assertThat(out).contains("Usage: herald", "-h, --help", "-V, --version", "serve", "token");
    assertThat(herald.stderr()).isEmpty();
  }

  @Test
  void serveHelpExitsWithZeroAndListsEveryOption() throws Exception {
    HeraldProcess herald = heralds.start("serve", "--help");

    assertThat(herald.awaitExit()).isZero();

    String out = String.join("\n", herald.stdout());
    assertThat(out)
        .contains(
            "Usage: herald serve",
            "--port",
            "--host",
            "--jwt-key",
            "--publisher-jwt-key",
            "--subscriber-jwt-key",
            "--anonymous",
            "--heartbeat",
            "--history-size",
            "--history-dir",
            "--cors-origin",
            "--no-dashboard",
            "--no-metrics",
            "--metrics-token",
            "HERALD_PORT",
            "HERALD_JWT_KEY",
            "HERALD_METRICS_TOKEN");
    assertThat(herald.stderr()).isEmpty();
  }

  @Test
  void versionExitsWithZero() throws Exception {
    HeraldProcess herald = heralds.start("--version");

    assertThat(herald.awaitExit()).isZero();

    assertThat(herald.stdout()).singleElement().asString().startsWith("herald ");
  }

  @Test
  void sigtermEndsOpenStreamsAndExitsWithZero() throws Exception {
    HeraldProcess herald =
        heralds.start("serve", "--port", "0", "--jwt-key", Tokens.KEY, "--anonymous");
    herald.awaitListening();
    SseRecorder subscriber = SseRecorder.open(herald.subscribeUri("*"));
    heralds.closeAfter(subscriber);
    assertThat(subscriber.status()).isEqualTo(200);
    String id = herald.publish(Tokens.all(Tokens.KEY), "https://example.com/a", "before stop");
    assertThat(subscriber.next().id()).isEqualTo(id);

    herald.terminate();

    subscriber.awaitEnd(); // ended cleanly: awaitEnd fails on an abrupt end
    assertThat(herald.awaitExit()).as("exit code; stderr %s", herald.stderr()).isZero();
    assertThat(herald.stderr()).noneMatch(line -> line.contains("LEAK"));
  }

  @Test
  void sigtermWithoutSubscribersExitsWithZero() throws Exception {
    HeraldProcess herald = heralds.start("serve", "--port", "0");
    herald.awaitListening();

    herald.terminate();

    assertThat(herald.awaitExit()).as("exit code; stderr %s", herald.stderr()).isZero();
  }

  @Test
  void portInUseExitsWithNonZeroAndAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
      HeraldProcess herald =
          heralds.start(
              "serve", "--port", Integer.toString(taken.getLocalPort()), "--jwt-key", Tokens.KEY);

      int code = herald.awaitExit();

      assertThat(code).isNotZero();
      assertThat(herald.stdout()).noneMatch(line -> line.startsWith("Herald listening"));
      assertThat(herald.stderr()).as("no stack trace").noneMatch(line -> line.startsWith("\tat "));
      assertThat(herald.stderr())
          .as("a message naming the port")
          .anyMatch(
              line ->
                  line.startsWith("herald: ")
                      && line.contains(Integer.toString(taken.getLocalPort())));
    }
  }

  @Test
  void historyDirInUseExitsWithNonZeroAndAClearMessage(@TempDir Path dir) throws Exception {
    HeraldProcess first =
        heralds.start(
            "serve", "--port", "0", "--jwt-key", Tokens.KEY, "--history-dir", dir.toString());
    first.awaitListening();

    HeraldProcess second =
        heralds.start(
            "serve", "--port", "0", "--jwt-key", Tokens.KEY, "--history-dir", dir.toString());
    int code = second.awaitExit();

    assertThat(code).isNotZero();
    assertThat(second.stderr()).as("no stack trace").noneMatch(line -> line.startsWith("\tat "));
    assertThat(second.stderr())
        .as("one line saying the directory is in use")
        .singleElement()
        .asString()
        .startsWith("herald: ")
        .contains("history directory in use");
  }
}
