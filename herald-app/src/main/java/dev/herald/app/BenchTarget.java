package dev.herald.app;

import dev.herald.hub.JwtKey;
import dev.herald.load.Bench;
import dev.herald.load.LoadTarget;
import dev.herald.load.SourceAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every {@code herald bench} mode shares: where the server is, how to authenticate. */
final class BenchTarget {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      required = true,
      description =
          "Hub URL to publish to (POST) and subscribe at (GET ?topic=), e.g."
              + " http://127.0.0.1:8080/.well-known/mercure.")
  String url;

  @Option(
      names = "--subscribe-url",
      paramLabel = "URL",
      description =
          "URL subscribers connect to instead, in turn (repeatable): another instance"
              + " of a cluster.")
  List<String> subscribeUrls = new ArrayList<>();

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "Topic to publish and subscribe to; default: a fresh one per run.")
  @Nullable String topic;

  @Option(
      names = "--jwt-key",
      paramLabel = "KEY",
      description = "HS256 key to mint publisher and subscriber tokens with.")
  @Nullable String jwtKey;

  @Option(
      names = "--publisher-token",
      paramLabel = "TOKEN",
      description = "Token sent as 'Authorization: Bearer' with publications.")
  @Nullable String publisherToken;

  @Option(
      names = "--subscriber-token",
      paramLabel = "TOKEN",
      description = "Token sent as 'Authorization: Bearer' with subscriptions.")
  @Nullable String subscriberToken;

  @Option(
      names = "--server-pid",
      paramLabel = "PID",
      description = "Server's process id: report its CPU time and memory from /proc.")
  @Nullable Long serverPid;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the result as JSON to this file.")
  @Nullable Path json;

  @Option(
      names = "--source-addresses",
      paramLabel = "RANGES",
      description =
          "Local IPv4 addresses or ranges connections leave from, in turn; default "
              + SourceAddresses.DEFAULT_LOOPBACK_RANGE
              + " for a server on loopback, else the kernel's choice.")
  @Nullable String sourceAddresses;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "2",
      description = "Event loops of the load generator (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description =
          "Longest wait for the server in any step before the run fails (default"
              + " ${DEFAULT-VALUE}).")
  Duration timeout;

  /** Returns the target, or throws a {@link ParameterException} naming the bad option. */
  LoadTarget target() {
    URI hub = uri("--url", url);
    List<URI> subscribe = new ArrayList<>();
    for (String u : subscribeUrls) {
      subscribe.add(uri("--subscribe-url", u));
    }
    String minted = jwtKey == null ? null : mint(jwtKey);
    SourceAddresses sources;
    try {
      sources =
          sourceAddresses == null
              ? LoadTarget.defaultSourceAddresses(hub)
              : SourceAddresses.parse(sourceAddresses);
    } catch (IllegalArgumentException e) {
      throw bad("--source-addresses: " + e.getMessage());
    }
    if (serverPid != null && !Files.isReadable(Path.of("/proc", serverPid.toString(), "stat"))) {
      throw bad("--server-pid: " + serverPid + " (no such process: /proc/" + serverPid + "/stat)");
    }
    try {
      return new LoadTarget(
          hub,
          subscribe,
          publisherToken != null ? publisherToken : minted,
          subscriberToken != null ? subscriberToken : minted,
          sources,
          serverPid,
          threads,
          timeout);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  /** Returns the topic given, or a fresh one for this run. */
  String topic(String mode) {
    if (topic != null) {
      return topic;
    }
    return "https://example.com/herald-bench/"
        + mode
        + "/"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  /** Returns a parameter error for this command: exit code 2 and one {@code herald:} line. */
  ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Checks a connection count against what this process may open. */
  void checkConnections(String option, int count) {
    try {
      Bench.checkConnections(count);
    } catch (IllegalArgumentException e) {
      throw bad(option + ": " + e.getMessage().replaceFirst("^connections: ", ""));
    }
  }

  private URI uri(String option, String text) {
    try {
      URI u = new URI(text);
      if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
        throw bad(option + ": '" + text + "' (expected: http://host[:port]/path)");
      }
      return u;
    } catch (URISyntaxException e) {
      throw bad(option + ": '" + text + "' (" + e.getReason() + ")");
    }
  }

  private String mint(String key) {
    try {
      JwtKey.hmac(key); // the hub's own rules for a key
      return DevTokens.mint(key, List.of("*"), List.of("*"), "herald-bench", null);
    } catch (IllegalArgumentException e) {
      throw bad("--jwt-key: " + e.getMessage());
    }
  }
}
