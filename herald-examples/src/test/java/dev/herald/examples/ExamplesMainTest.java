package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.SseRecorder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExamplesMainTest {
  private static final Pattern LISTENING =
      Pattern.compile("Herald listening on (http://127\\.0\\.0\\.1:(\\d+))");
  private static final String TOKEN_LINE = "DEVELOPMENT ONLY: token for user alice ";
  private static final long TIMEOUT = SseRecorder.TIMEOUT.toSeconds();

  @TempDir Path tempDir;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process startMain(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ExamplesMain.class.getName());
    command.addAll(List.of(args));
    // Files rather than pipes: destroy() closes the pipes, and what was printed is read after exit.
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(tempDir.resolve("stdout.txt").toFile())
            .redirectError(tempDir.resolve("stderr.txt").toFile())
            .start();
    processes.add(process);
    return process;
  }

  private List<String> stdout() throws IOException {
    return Files.readAllLines(tempDir.resolve("stdout.txt"));
  }

  private String stderr() throws IOException {
    return Files.readString(tempDir.resolve("stderr.txt"));
  }

  @Test
  void theProgramServesOnAFreePortAndStopsWithExitCode0OnSigterm() throws Exception {
    Process process = startMain("--port", "0");
    await()
        .atMost(SseRecorder.TIMEOUT)
        .failFast("the program exited", () -> !process.isAlive())
        .until(() -> stdout().stream().anyMatch(line -> line.startsWith("Herald listening on ")));
    List<String> lines = stdout();

    assertThat(lines).as("stderr: %s", stderr()).hasSize(2);
    assertThat(lines.get(0)).startsWith(TOKEN_LINE);
    Matcher listening = LISTENING.matcher(lines.get(1));
    assertThat(listening.matches()).as(lines.get(1)).isTrue();
    assertThat(Integer.parseInt(listening.group(2))).isPositive();
    URI base = URI.create(listening.group(1));

    HttpResponse<String> page = TestConfigs.get(base.resolve("/"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("new EventSource");

    String token = lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1);
    try (SseRecorder stream =
        SseRecorder.open(base.resolve("/notifications/me"), "Authorization", "Bearer " + token)) {
      assertThat(stream.status()).isEqualTo(200);

      process.destroy(); // SIGTERM, with a stream still open
      assertThat(process.waitFor(TIMEOUT, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("stderr: %s", stderr()).isEqualTo(0);
      stream.awaitEnd(); // the server ended the stream cleanly, not by cutting the connection
    }
    assertThat(stdout()).isEqualTo(lines);
    assertThat(stderr()).doesNotContain("Exception");
  }

  @Test
  void anInvalidOptionPrintsOneLineAndExitsWithCode2() throws Exception {
    for (String[] args :
        new String[][] {{"--port", "nope"}, {"--verbose"}, {"--jwt-key", "short"}, {"--port"}}) {
      Process process = startMain(args);
      assertThat(process.waitFor(TIMEOUT, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(stderr().lines()).as(String.join(" ", args)).hasSize(1);
      assertThat(stderr()).startsWith("herald-examples: ").contains(args[0]).contains("usage:");
      assertThat(stdout()).isEmpty();
    }
  }

  @Test
  void optionsAreParsedInBothFormsAndTheKeyMayComeFromTheEnvironment() {
    ExamplesMain.Options options =
        ExamplesMain.parse(new String[] {"--port=0", "--host", "0.0.0.0"}, null);
    assertThat(options).isNotNull();
    assertThat(options.port()).isZero();
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.jwtKey()).isNull();

    String key = "an environment key of at least 32 bytes";
    ExamplesMain.Options fromEnv = ExamplesMain.parse(new String[0], key);
    assertThat(fromEnv).isNotNull();
    assertThat(fromEnv.port()).isEqualTo(8080);
    assertThat(fromEnv.host()).isEqualTo("127.0.0.1");
    assertThat(fromEnv.jwtKey()).isEqualTo(key.getBytes(StandardCharsets.UTF_8));

    assertThat(ExamplesMain.parse(new String[] {"--help"}, null)).isNull();
    assertThatThrownBy(() -> ExamplesMain.parse(new String[] {"--port", "65536"}, null))
        .hasMessage("--port: 65536 (expected: 0..65535)");
    assertThatThrownBy(() -> ExamplesMain.parse(new String[] {"serve"}, null))
        .hasMessage("unknown option serve");
  }
}
