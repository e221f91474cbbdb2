package dev.herald.app;

import ch.qos.logback.classic.LoggerContext;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
      "Serves a Mercure hub at /.well-known/mercure.",
      "Every option can also be set with the environment variable shown."
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "${env:HERALD_HOST:-0.0.0.0}",
      description = "Address to bind (env HERALD_HOST; default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:HERALD_PORT:-8080}",
      description = "Port to bind; 0 picks a free one (env HERALD_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--jwt-key",
      defaultValue = "${env:HERALD_JWT_KEY}",
      description =
          "HS256 key for publishers' and subscribers' tokens (env HERALD_JWT_KEY). Without any"
              + " key a development key is generated and printed.")
  String jwtKey;

  @Option(
      names = "--publisher-jwt-key",
      defaultValue = "${env:HERALD_PUBLISHER_JWT_KEY}",
      description = "HS256 key for publishers' tokens only (env HERALD_PUBLISHER_JWT_KEY).")
  String publisherKey;

  @Option(
      names = "--subscriber-jwt-key",
      defaultValue = "${env:HERALD_SUBSCRIBER_JWT_KEY}",
      description = "HS256 key for subscribers' tokens only (env HERALD_SUBSCRIBER_JWT_KEY).")
  String subscriberKey;

  @Option(
      names = "--jwt-public-key",
      defaultValue = "${env:HERALD_JWT_PUBLIC_KEY}",
      description =
          "PEM file of an RSA public key (RS*/PS* tokens) for publishers and subscribers"
              + " (env HERALD_JWT_PUBLIC_KEY).")
  Path jwtPublicKey;

  @Option(
      names = "--jwks",
      defaultValue = "${env:HERALD_JWKS}",
      description =
          "JWK Set URL (http/https) or file for publishers and subscribers (env HERALD_JWKS).")
  String jwks;

  @Option(
      names = "--publish-origin",
      split = ",",
      defaultValue = "${env:HERALD_PUBLISH_ORIGIN}",
      description =
          "Origin allowed to publish with a cookie token; * for any (repeatable; env"
              + " HERALD_PUBLISH_ORIGIN).")
  List<String> publishOrigins = new ArrayList<>();

  @Option(
      names = "--anonymous",
      defaultValue = "${env:HERALD_ANONYMOUS:-false}",
      description =
          "Accept subscribers without a token (public updates only) (env HERALD_ANONYMOUS).")
  boolean anonymous;

  @Option(
      names = "--heartbeat",
      converter = DurationConverter.class,
      defaultValue = "${env:HERALD_HEARTBEAT:-15s}",
      description =
          "Comment sent on silent streams after this long; 0 = off (env HERALD_HEARTBEAT; default ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--history-size",
      defaultValue = "${env:HERALD_HISTORY_SIZE:-10000}",
      description =
          "Updates kept for resume with Last-Event-ID (env HERALD_HISTORY_SIZE; default ${DEFAULT-VALUE}).")
  int historySize;

  @Option(
      names = "--history-max-age",
      converter = DurationConverter.class,
      defaultValue = "${env:HERALD_HISTORY_MAX_AGE:-0}",
      description = "Longest time updates are kept; 0 = no limit (env HERALD_HISTORY_MAX_AGE).")
  Duration historyMaxAge;

  @Option(
      names = "--history-dir",
      defaultValue = "${env:HERALD_HISTORY_DIR}",
      description = "Keep history on disk here, across restarts (env HERALD_HISTORY_DIR).")
  Path historyDir;

  @Option(
      names = "--cors-origin",
      split = ",",
      defaultValue = "${env:HERALD_CORS_ORIGIN}",
      description =
          "Origin allowed to call the hub from a browser, with credentials (repeatable; env HERALD_CORS_ORIGIN, comma-separated).")
  List<String> corsOrigins = new ArrayList<>();

  @Option(
      names = "--subscriptions",
      defaultValue = "${env:HERALD_SUBSCRIPTIONS:-false}",
      description =
          "Publish subscription events and serve the subscriptions API (env HERALD_SUBSCRIPTIONS).")
  boolean subscriptions;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:HERALD_TLS_CERT}",
      description =
          "Serve HTTPS and HTTP/2 with this PEM certificate chain; needs --tls-key (env HERALD_TLS_CERT).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:HERALD_TLS_KEY}",
      description = "The PEM (PKCS#8) private key of --tls-cert (env HERALD_TLS_KEY).")
  Path tlsKey;

  @Option(
      names = "--tls-self-signed",
      defaultValue = "${env:HERALD_TLS_SELF_SIGNED:-false}",
      description =
          "Serve HTTPS and HTTP/2 with a new self-signed certificate for localhost, for development (env HERALD_TLS_SELF_SIGNED).")
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
    Hub hub;
    try {
      hub =
          Hub.builder()
              .publisherKey(pub != null ? pub : shared)
              .subscriberKey(sub != null ? sub : shared)
              .publishOrigins(
                  publishOrigins.stream().filter(o -> !o.isBlank()).toArray(String[]::new))
              .anonymous(anonymous)
              .historySize(historySize)
              .historyMaxAge(historyMaxAge)
              .historyDir(historyDir)
              .subscriptionEvents(subscriptions)
              .build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("herald: " + e.getMessage());
      return 1;
    }
    HeraldServer.Builder builder =
        HeraldServer.builder().host(host).port(port).heartbeat(heartbeat).tls(tls);
    List<String> origins = corsOrigins.stream().filter(o -> !o.isBlank()).toList();
    if (!origins.isEmpty()) {
      builder.cors(
          Cors.allowOrigins(origins.toArray(String[]::new)).allowCredentials(true).build());
    }
    HeraldServer server = hub.install(builder).build();
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
                  LOG.info("stopping");
                  server.stop(Duration.ofSeconds(10));
                  hub.close();
                  LOG.info("stopped");
                  stopped.countDown();
                  if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
                    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
                  }
                  // A clean stop on SIGTERM exits with 0, not the JVM's 143.
                  Runtime.getRuntime().halt(0);
                },
                "herald-shutdown"));
    String shownHost = host.equals("0.0.0.0") ? "localhost" : host;
    String scheme = tls != null ? "https" : "http";
    LOG.info("hub at {}://{}:{}{}", scheme, shownHost, server.port(), Hub.PATH);
    System.out.println("Herald listening on " + scheme + "://" + shownHost + ":" + server.port());
    System.out.flush();
    stopped.await();
    return 0;
  }

  private void validate() {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port: " + port + " (expected: 0..65535)");
    }
    if (historySize < 0) {
      throw new ParameterException(
          spec.commandLine(), "--history-size: " + historySize + " (expected: >= 0)");
    }
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
