package dev.herald.app;

import ch.qos.logback.classic.LoggerContext;
import dev.herald.hub.Broker;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
import dev.herald.redis.RedisBroker;
import dev.herald.server.Cors;
import dev.herald.server.HeraldServer;
import dev.herald.server.Tls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code herald serve}: runs the hub until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a Mercure hub at /.well-known/mercure, a dashboard at / and Prometheus metrics"
          + " at /metrics (see --no-dashboard, --no-metrics and --metrics-token).",
      "Each option can also be set with the environment variable shown under it, or in the"
          + " configuration file (key = option name without dashes); a flag beats the"
          + " environment, which beats the file."
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to bind; 0 picks a free one.")
  int port;

  @Option(
      names = "--jwt-key",
      description =
          "HS256 key for publishers' and subscribers' tokens. Without any"
              + " key a development key is generated and printed.")
  String jwtKey;

  @Option(names = "--publisher-jwt-key", description = "HS256 key for publishers' tokens only.")
  String publisherKey;

  @Option(names = "--subscriber-jwt-key", description = "HS256 key for subscribers' tokens only.")
  String subscriberKey;

  @Option(
      names = "--jwt-public-key",
      description =
          "PEM file of an RSA public key (RS*/PS* tokens) for publishers and subscribers" + ".")
  Path jwtPublicKey;

  @Option(
      names = "--jwks",
      description = "JWK Set URL (http/https) or file for publishers and subscribers.")
  String jwks;

  @Option(
      names = "--publish-origin",
      split = ",",
      description = "Origin allowed to publish with a cookie token; * for any (repeatable).")
  List<String> publishOrigins = new ArrayList<>();

  @Option(
      names = "--anonymous",
      defaultValue = "false",
      description = "Accept subscribers without a token (public updates only).")
  boolean anonymous;

  @Option(
      names = "--heartbeat",
      converter = DurationConverter.class,
      defaultValue = "15s",
      description = "Comment sent on silent streams after this long; 0 = off.")
  Duration heartbeat;

  @Option(
      names = "--history-size",
      defaultValue = "10000",
      description = "Updates kept for resume with Last-Event-ID.")
  int historySize;

  @Option(
      names = "--history-max-age",
      converter = DurationConverter.class,
      defaultValue = "0",
      description = "Longest time updates are kept; 0 = no limit.")
  Duration historyMaxAge;

  @Option(names = "--history-dir", description = "Keep history on disk here, across restarts.")
  Path historyDir;

  @Option(
      names = "--redis",
      description =
          "Run as one of several hub instances sharing this Redis, redis://host:port. History is"
              + " then kept in Redis, with --history-size and --history-max-age.")
  String redis;

  @Option(
      names = "--cors-origin",
      split = ",",
      description =
          "Origin allowed to call the hub from a browser, with credentials (repeatable, or comma-separated).")
  List<String> corsOrigins = new ArrayList<>();

  @Option(
      names = "--subscriptions",
      defaultValue = "false",
      description = "Publish subscription events and serve the subscriptions API.")
  boolean subscriptions;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file: one 'key = value' per line, e.g. 'port = 9090'.")
  Path config;

  @Option(
      names = "--max-connections",
      defaultValue = "" + HeraldServer.Builder.DEFAULT_MAX_CONNECTIONS,
      description = "Most connections open at once; past it 503 + Retry-After; 0 = no limit.")
  int maxConnections;

  @Option(
      names = "--max-connections-per-address",
      defaultValue = "0",
      description =
          "Most connections open at once from one client address; past it 429 + Retry-After;"
              + " 0 = no limit.")
  int maxConnectionsPerAddress;

  @Option(
      names = "--max-header-size",
      converter = SizeConverter.class,
      defaultValue = "16KiB",
      description = "Largest request headers (e.g. 16KiB); larger → 431.")
  int maxHeaderSize;

  @Option(
      names = "--max-body-size",
      converter = SizeConverter.class,
      defaultValue = "1MiB",
      description = "Largest request body (e.g. 1MiB); larger → 413.")
  int maxBodySize;

  @Option(
      names = "--stream-idle-timeout",
      converter = DurationConverter.class,
      defaultValue = "0",
      description = "End a subscription that received no update for this long; 0 = never.")
  Duration streamIdleTimeout;

  @Option(
      names = "--write-timeout",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description =
          "Close a connection whose client read nothing of what is pending for this long;"
              + " 0 = never.")
  Duration writeTimeout;

  @Option(
      names = "--max-topics",
      defaultValue = "" + Hub.Builder.DEFAULT_MAX_TOPICS,
      description = "Most topic selectors in one subscription; more → 400.")
  int maxTopics;

  @Option(
      names = "--publish-rate",
      converter = RateConverter.class,
      defaultValue = "0",
      description =
          "Updates each publisher (token subject) may publish, e.g. 10/s or 600/min; past it 429"
              + " + Retry-After; 0 = no limit.")
  double publishRate;

  @Option(
      names = "--publish-burst",
      defaultValue = "0",
      description = "Updates a publisher may send at once above --publish-rate; 0 = one second's.")
  int publishBurst;

  @Option(
      names = "--access-log",
      defaultValue = "false",
      description =
          "Log every request (logger dev.herald.access): client, method, path, status, bytes,"
              + " duration; never tokens.")
  boolean accessLog;

  @Option(
      names = "--no-dashboard",
      defaultValue = "false",
      description = "Leave out the dashboard at / and its feed at /dashboard/stats.")
  boolean noDashboard;

  @Option(
      names = "--no-metrics",
      defaultValue = "false",
      description = "Leave out the Prometheus metrics at /metrics.")
  boolean noMetrics;

  @Option(
      names = "--metrics-token",
      description =
          "Token /metrics requires as 'Authorization: Bearer'; a request without it gets 401.")
  String metricsToken;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "Serve HTTPS and HTTP/2 with this PEM certificate chain; needs --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--tls-self-signed",
      defaultValue = "false",
      description =
          "Serve HTTPS and HTTP/2 with a new self-signed certificate for localhost, for development.")
  boolean tlsSelfSigned;

  @Override
  public Integer call() throws Exception {
    validate();
    Tls tls = tls();
    JwtKey shared = sharedKey();
    JwtKey pub =
        hmacKey(
            publisherKey != null ? "--publisher-jwt-key" : "--jwt-key",
            publisherKey != null ? publisherKey : jwtKey);
    JwtKey sub =
        hmacKey(
            subscriberKey != null ? "--subscriber-jwt-key" : "--jwt-key",
            subscriberKey != null ? subscriberKey : jwtKey);
    String devKey = null;
    if (pub == null && sub == null && shared == null) {
      devKey = DevTokens.randomKey();
      pub = JwtKey.hmac(devKey);
      sub = pub;
    }
    Monitoring monitoring = new Monitoring(!noMetrics, metricsToken(), !noDashboard);
    Broker broker = broker();
    Hub hub;
    try {
      hub =
          Hub.builder()
              .broker(broker)
              .publisherKey(pub != null ? pub : shared)
              .subscriberKey(sub != null ? sub : shared)
              .publishOrigins(
                  publishOrigins.stream().filter(o -> !o.isBlank()).toArray(String[]::new))
              .anonymous(anonymous)
              .historySize(historySize)
              .historyMaxAge(historyMaxAge)
              .historyDir(historyDir)
              .subscriptionEvents(subscriptions)
              .maxTopicsPerSubscription(maxTopics)
              .publishRate(publishRate, burst())
              .publishLatency(monitoring::recordPublish)
              .build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("herald: " + e.getMessage());
      return 1;
    }
    HeraldServer.Builder builder =
        HeraldServer.builder()
            .host(host)
            .port(port)
            .heartbeat(heartbeat)
            .tls(tls)
            .maxConnections(maxConnections)
            .maxConnectionsPerAddress(maxConnectionsPerAddress)
            .maxHeaderSize(maxHeaderSize)
            .maxBodySize(maxBodySize)
            .streamIdleTimeout(streamIdleTimeout)
            .writeTimeout(writeTimeout)
            .accessLog(accessLog);
    AtomicBoolean serving = new AtomicBoolean();
    new Health().check("server", serving::get).check("broker", hub::ready).install(builder);
    List<String> origins = corsOrigins.stream().filter(o -> !o.isBlank()).toList();
    if (!origins.isEmpty()) {
      builder.cors(
          Cors.allowOrigins(origins.toArray(String[]::new)).allowCredentials(true).build());
    }
    monitoring.install(builder);
    HeraldServer server = hub.install(builder).build();
    monitoring.start(server, hub, broker);
    try {
      server.start();
    } catch (IllegalStateException e) {
      hub.close();
      System.err.println("herald: " + e.getMessage());
      return 1;
    }
    if (devKey != null) {
      System.out.println("Development JWT key (not for production): " + devKey);
      System.out.println(
          "Development token (publish and subscribe to everything): "
              + DevTokens.mint(devKey, List.of("*"), List.of("*"), "dev", null));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  serving.set(false);
                  long start = System.nanoTime();
                  server.stop(Duration.ofSeconds(10));
                  monitoring.close();
                  hub.close();
                  LOG.info(
                      "stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                  stopped.countDown();
                  if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
                    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
                  }
                  // A clean stop on SIGTERM exits with 0, not the JVM's 143.
                  Runtime.getRuntime().halt(0);
                },
                "herald-shutdown"));
    String shownHost = host.equals("0.0.0.0") ? "localhost" : host;
    serving.set(true);
    String scheme = tls != null ? "https" : "http";
    LOG.info(
        "started: hub at {}://{}:{}{}; {}", scheme, shownHost, server.port(), Hub.PATH, settings());
    System.out.println("Herald listening on " + scheme + "://" + shownHost + ":" + server.port());
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** Returns the key settings for the start line; never a key or a secret. */
  private String settings() {
    return String.format(
        Locale.ROOT,
        "history %d%s, heartbeat %s, anonymous %s, max connections %d (%d per address),"
            + " write timeout %s, publish rate %s, access log %s, dashboard %s, metrics %s",
        historySize,
        historyDir == null ? " in memory" : " on disk",
        shown(heartbeat),
        anonymous,
        maxConnections,
        maxConnectionsPerAddress,
        shown(writeTimeout),
        publishRate > 0 ? publishRate + "/s (burst " + burst() + ")" : "unlimited",
        accessLog ? "on" : "off",
        noDashboard ? "off" : "on",
        noMetrics ? "off" : metricsToken != null ? "with a token" : "on");
  }

  /** Returns a duration as {@code 15s}, {@code 1m30s}, {@code 0.5s}, or {@code off}. */
  private static String shown(Duration d) {
    return d.isZero() ? "off" : d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private int burst() {
    return publishBurst > 0 ? publishBurst : (int) Math.max(1, Math.ceil(publishRate));
  }

  private void validate() {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port: " + port + " (expected: 0..65535)");
    }
    nonNegative("--max-connections", maxConnections);
    nonNegative("--max-connections-per-address", maxConnectionsPerAddress);
    nonNegative("--publish-burst", publishBurst);
    if (maxTopics <= 0) {
      throw new ParameterException(
          spec.commandLine(), "--max-topics: " + maxTopics + " (expected: > 0)");
    }
    if (historySize < 0) {
      throw new ParameterException(
          spec.commandLine(), "--history-size: " + historySize + " (expected: >= 0)");
    }
  }

  private void nonNegative(String option, int value) {
    if (value < 0) {
      throw new ParameterException(spec.commandLine(), option + ": " + value + " (expected: >= 0)");
    }
  }

  /** Returns the broker: on Redis with --redis, else the in-memory default. */
  private Broker broker() {
    if (redis == null || redis.isBlank()) {
      return Broker.inMemory();
    }
    if (historyDir != null) {
      throw new ParameterException(
          spec.commandLine(), "--redis and --history-dir: choose one (Redis keeps the history)");
    }
    if (historySize == 0) {
      throw new ParameterException(
          spec.commandLine(), "--history-size: 0 (expected: > 0 with --redis)");
    }
    try {
      return RedisBroker.builder(redis)
          .historySize(historySize)
          .historyMaxAge(historyMaxAge)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--redis: " + e.getMessage());
    }
  }

  /** Returns the token /metrics requires, or null for none. */
  private String metricsToken() {
    if (metricsToken == null) {
      return null;
    }
    if (noMetrics) {
      throw new ParameterException(
          spec.commandLine(), "--metrics-token and --no-metrics: choose one");
    }
    if (metricsToken.isBlank() || !metricsToken.strip().equals(metricsToken)) {
      throw new ParameterException(
          spec.commandLine(), "--metrics-token: empty or with spaces around it");
    }
    return metricsToken;
  }

  /** Returns the certificate from --tls-cert and --tls-key or --tls-self-signed, or null. */
  private Tls tls() {
    if (tlsSelfSigned && (tlsCert != null || tlsKey != null)) {
      throw new ParameterException(
          spec.commandLine(), "--tls-self-signed and --tls-cert/--tls-key: choose one");
    }
    if (tlsSelfSigned) {
      return Tls.selfSigned();
    }
    if (tlsCert == null && tlsKey == null) {
      return null;
    }
    if (tlsCert == null || tlsKey == null) {
      throw new ParameterException(
          spec.commandLine(),
          tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
    }
    try {
      return Tls.fromPem(tlsCert, tlsKey);
    } catch (RuntimeException e) {
      throw new ParameterException(spec.commandLine(), "--tls-cert/--tls-key: " + e.getMessage());
    }
  }

  /** Returns the key from --jwt-public-key or --jwks, or null; both at once is an error. */
  private JwtKey sharedKey() {
    if (jwtPublicKey != null && jwks != null) {
      throw new ParameterException(spec.commandLine(), "--jwt-public-key and --jwks: choose one");
    }
    try {
      if (jwtPublicKey != null) {
        return JwtKey.rsaPublicKeyPem(Files.readString(jwtPublicKey));
      }
      if (jwks != null) {
        return jwks.startsWith("http://") || jwks.startsWith("https://")
            ? JwtKey.jwks(URI.create(jwks))
            : JwtKey.jwks(Path.of(jwks));
      }
    } catch (IOException | RuntimeException e) {
      throw new ParameterException(
          spec.commandLine(),
          (jwtPublicKey != null ? "--jwt-public-key" : "--jwks") + ": " + e.getMessage());
    }
    return null;
  }

  private JwtKey hmacKey(String option, String secret) {
    if (secret == null) {
      return null;
    }
    try {
      return JwtKey.hmac(secret);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }
}
