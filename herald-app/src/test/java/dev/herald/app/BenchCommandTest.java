package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
import dev.herald.server.HeraldServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@code herald bench} in this JVM against a real hub embedded in it, and checks the command
 * line contract that scripts rely on: option names, exit codes, the table and the JSON keys. Never
 * asserts on timing.
 */
class BenchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PID = Long.toString(ProcessHandle.current().pid());

  @TempDir Path dir;
  private Hub hub;
  private HeraldServer server;
  private String url;

  @BeforeEach
  void startHub() {
    hub = Hub.builder().jwtKey(JwtKey.hmac(Tokens.KEY)).anonymous(true).build();
    server = hub.install(HeraldServer.builder().host("127.0.0.1").port(0)).build().start();
    url = "http://127.0.0.1:" + server.port() + "/.well-known/mercure";
  }

  @AfterEach
  void stopHub() {
    server.close();
    hub.close();
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    return keys;
  }

  @Test
  void fanoutPrintsATableAndWritesTheDocumentedJson() throws Exception {
    Path file = dir.resolve("fanout.json");
    InProcess.Result result =
        InProcess.run(
            "bench",
            "fanout",
            "--url",
            url,
            "--subscribe-url",
            "http://localhost:" + server.port() + "/.well-known/mercure",
            "--subscribe-url",
            url,
            "--subscribers",
            "20",
            "--rate",
            "50",
            "--payload",
            "100",
            "--duration",
            "2s",
            "--warmup",
            "500ms",
            "--jwt-key",
            Tokens.KEY,
            "--server-pid",
            PID,
            "--json",
            file.toString(),
            "--source-addresses",
            "127.0.0.2-127.0.0.5");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("herald bench fanout " + url).contains("latencyMicros.p99");
    assertThat(result.err()).contains("[fanout ");
    JsonNode json = JSON.readTree(file.toFile());
    assertThat(keys(json))
        .contains(
            "mode",
            "url",
            "subscribers",
            "rate",
            "payloadBytes",
            "durationSeconds",
            "published",
            "expectedDeliveries",
            "delivered",
            "lost",
            "duplicated",
            "deliveriesPerSecond",
            "latencyMicros",
            "connectMillis",
            "server",
            "serverCpuMicrosPerDelivery");
    assertThat(keys(json.get("latencyMicros"))).containsExactly("p50", "p99", "p999", "max");
    assertThat(keys(json.get("connectMillis"))).containsExactly("p50", "p99", "max");
    assertThat(keys(json.get("server"))).containsExactly("cpuSeconds", "peakRssKiB", "rssKiB");
    long published = json.get("published").asLong();
    if (!json.get("behindSchedule").asBoolean()) { // only a machine > 5 s behind stops early
      // The updates issued after the warm-up time: 100 of the 125, a few more when the
      // publishers connected late in the warm-up and the schedule had not reached 25 by its end.
      assertThat(published).isBetween(100L, 125L);
    }
    assertThat(json.get("delivered").asLong()).isEqualTo(published * 20).isPositive();
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.get("duplicated").asLong()).isZero();
  }

  @Test
  void idleWithGivenTokensWritesMemoryPerConnection() throws Exception {
    Path file = dir.resolve("idle.json");
    String token = Tokens.all(Tokens.KEY);
    InProcess.Result result =
        InProcess.run(
            "bench",
            "idle",
            "--url",
            url,
            "--connections",
            "30",
            "--hold",
            "0",
            "--subscriber-token",
            token,
            "--publisher-token",
            token,
            "--server-pid",
            PID,
            "--json",
            file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = JSON.readTree(file.toFile());
    assertThat(keys(json))
        .contains("mode", "connections", "rssBeforeKiB", "rssAfterKiB", "rssPerConnectionBytes");
    assertThat(json.get("connections").asInt()).isEqualTo(30);
  }

  @Test
  void resumeAndSaturateRunAndLoseNothing() throws Exception {
    Path resume = dir.resolve("resume.json");
    Path saturate = dir.resolve("saturate.json");

    InProcess.Result r =
        InProcess.run(
            "bench",
            "resume",
            "--url",
            url,
            "--clients",
            "10",
            "--missed",
            "30",
            "--jwt-key",
            Tokens.KEY,
            "--json",
            resume.toString());
    InProcess.Result s =
        InProcess.run(
            "bench",
            "saturate",
            "--url",
            url,
            "--subscribers",
            "5",
            "--payload",
            "60",
            "--duration",
            "1s",
            "--max-in-flight",
            "8",
            "--publishers",
            "2",
            "--jwt-key",
            Tokens.KEY,
            "--json",
            saturate.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode rj = JSON.readTree(resume.toFile());
    assertThat(keys(rj))
        .contains("clients", "missed", "catchUpMillis", "totalMillis", "lost", "duplicated");
    assertThat(rj.get("lost").asLong()).isZero();
    assertThat(rj.get("duplicated").asLong()).isZero();
    assertThat(s.exitCode()).as(s.err()).isZero();
    JsonNode sj = JSON.readTree(saturate.toFile());
    assertThat(sj.get("lost").asLong()).isZero();
    assertThat(sj.get("deliveriesPerSecond").asDouble()).isPositive();
  }

  @Test
  void aRefusedPublicationExitsWithOneAndOneLine() throws Exception {
    InProcess.Result result =
        InProcess.run(
            "bench",
            "fanout",
            "--url",
            url,
            "--subscribers",
            "2",
            "--rate",
            "10",
            "--duration",
            "1s",
            "--warmup",
            "0",
            "--publisher-token",
            Tokens.all(Tokens.OTHER_KEY));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines().filter(l -> l.startsWith("herald:")))
        .singleElement()
        .asString()
        .startsWith("herald: bench failed: publication refused: HTTP 401: invalid token");
  }

  @Test
  void helpNamesEveryMode() {
    InProcess.Result result = InProcess.run("bench", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("fanout", "idle", "saturate", "resume", "Mercure subset");
  }

  /** Options with which each mode gets as far as connecting to {@link #NOBODY}. */
  private static final Map<String, List<String>> VALID =
      Map.of(
          "fanout", List.of("--subscribers", "1", "--rate", "1", "--duration", "1s"),
          "idle", List.of("--connections", "5"),
          "saturate", List.of("--subscribers", "1", "--duration", "1s"),
          "resume", List.of("--clients", "1", "--missed", "3"));

  /** A hub URL where nothing listens. */
  private static final String NOBODY = "http://127.0.0.1:1/.well-known/mercure";

  /**
   * Returns {@code bench MODE --url NOBODY} with the valid options of the mode, the given ones
   * replacing or adding to them.
   */
  private static List<String> bench(String mode, String... changes) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--url", NOBODY);
    List<String> valid = VALID.get(mode);
    for (int i = 0; i < valid.size(); i += 2) {
      options.put(valid.get(i), valid.get(i + 1));
    }
    for (int i = 0; i < changes.length; i += 2) {
      options.put(changes[i], changes[i + 1]);
    }
    List<String> args = new ArrayList<>(List.of("bench", mode));
    options.forEach(
        (name, value) -> {
          args.add(name);
          args.add(value);
        });
    return args;
  }

  @ParameterizedTest(name = "herald bench {0}")
  @ValueSource(strings = {"fanout", "idle", "saturate", "resume"})
  void theValidOptionsOfTheCasesBelowGetAsFarAsConnecting(String mode) {
    InProcess.Result result = InProcess.run(bench(mode).toArray(String[]::new));

    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    assertThat(result.err()).contains("cannot connect");
  }

  static Stream<List<String>> invalidOptions() {
    return Stream.of(
        List.of("bench"),
        List.of("bench", "nope"),
        List.of("bench", "fanout", "--url", NOBODY),
        bench("fanout", "--url", "ftp://x/"),
        bench("fanout", "--subscribers", "0"),
        bench("fanout", "--payload", "10"),
        bench("fanout", "--duration", "5x"),
        bench("fanout", "--jwt-key", "short"),
        bench("idle", "--connections", "20000"),
        bench("idle", "--source-addresses", "127.0.0.9-127.0.0.1"),
        bench("idle", "--server-pid", "999999999"),
        bench("saturate", "--publishers", "9", "--max-in-flight", "4"),
        bench("saturate", "--publishers", "1", "--max-in-flight", "200"),
        bench("saturate", "--payload", "10"),
        bench("resume", "--missed", "-3"));
  }

  @ParameterizedTest(name = "herald {0}")
  @MethodSource("invalidOptions")
  void invalidOptionsExitWithTwoAndOneLine(List<String> args) {
    InProcess.Result result = InProcess.run(args.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1).allMatch(l -> l.startsWith("herald: "));
    assertThat(result.out()).isEmpty();
  }
}
