package dev.herald.examples;

import dev.herald.server.HeraldServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the examples: {@code java -jar herald-examples.jar [--host HOST] [--port N] [--jwt-key
 * SECRET]}.
 *
 * <ul>
 *   <li>{@code --host HOST}: the address to bind; default {@code 127.0.0.1}, this machine only
 *       ({@code 0.0.0.0} for every interface).
 *   <li>{@code --port N}: the port; default 8080; {@code 0} picks a free one.
 *   <li>{@code --jwt-key SECRET}: the HS256 key of bearer tokens, at least 32 bytes of UTF-8; also
 *       read from the {@code HERALD_JWT_KEY} environment variable, which keeps it out of process
 *       listings. Without one, a random development key is made and a token for user {@code alice}
 *       is printed.
 * </ul>
 *
 * <p>When ready, prints {@code Herald listening on http://HOST:PORT} with the real port. {@code
 * SIGTERM} or {@code SIGINT} stops the server gracefully and exits with code 0; an invalid option
 * prints one line to standard error and exits with code 2; a port that cannot be bound exits with
 * code 1. Logs go to standard error.
 */
public final class ExamplesMain {
  /** The exit code for invalid options: {@value}. */
  public static final int EXIT_USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(ExamplesMain.class);
  private static final String USAGE = "usage: [--host HOST] [--port N] [--jwt-key SECRET]";
  private static final String DEV_USER = "alice";
  private static final Duration DEV_TOKEN_LIFETIME = Duration.ofHours(12);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /** The parsed command line. */
  record Options(String host, int port, byte @Nullable [] jwtKey) {}

  private ExamplesMain() {}

  /** Runs the examples until {@code SIGTERM}; see the type's documentation for the options. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * Adds the examples, configured so, to the builder and returns it; the builder's host and port
   * stay as they are, so tests can build the same server on port 0.
   */
  public static HeraldServer.Builder configure(
      HeraldServer.Builder builder, ExamplesConfig config) {
    return Examples.create(config).configure(builder);
  }

  private static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args, env.get("HERALD_JWT_KEY"));
    } catch (IllegalArgumentException e) {
      err.println("herald-examples: " + e.getMessage() + " (" + USAGE + ")");
      return EXIT_USAGE;
    }
    if (options == null) {
      out.println(USAGE);
      return 0;
    }
    // Handled before anything starts, so that a SIGTERM during start-up is a graceful stop too.
    CountDownLatch stop = new CountDownLatch(1);
    if (!Signals.handle(stop::countDown, "TERM", "INT")) {
      LOG.warn("cannot handle SIGTERM: the server will still stop gracefully, with exit code 143");
    }
    boolean development = options.jwtKey() == null;
    byte[] key = development ? randomKey() : options.jwtKey();
    Examples examples = Examples.create(ExamplesConfig.builder(key).build());
    HeraldServer server =
        examples
            .configure(HeraldServer.builder().host(options.host()).port(options.port()))
            .build();
    try {
      server.start();
    } catch (IllegalStateException e) {
      err.println("herald-examples: " + e.getMessage());
      return 1;
    }
    return serve(server, stop, examples, options, development, out);
  }

  private static int serve(
      HeraldServer server,
      CountDownLatch stop,
      Examples examples,
      Options options,
      boolean development,
      PrintStream out) {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> server.stop(STOP_TIMEOUT), "herald-examples-shutdown"));
    if (development) {
      String token = examples.issueToken(DEV_USER, Instant.now().plus(DEV_TOKEN_LIFETIME));
      out.println(
          "DEVELOPMENT ONLY: token for user "
              + DEV_USER
              + " (random key, valid "
              + DEV_TOKEN_LIFETIME.toHours()
              + " h, this process only): "
              + token);
    }
    out.println("Herald listening on http://" + urlHost(options.host()) + ":" + server.port());
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("stopping");
    server.stop(STOP_TIMEOUT);
    return 0;
  }

  /**
   * Returns the options, or null when help was asked for.
   *
   * @throws IllegalArgumentException with a one-line message if an option is invalid
   */
  static @Nullable Options parse(String[] args, @Nullable String envJwtKey) {
    String host = "127.0.0.1";
    int port = 8080;
    String jwtKey = envJwtKey;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      switch (name) {
        case "--help", "-h" -> {
          return null;
        }
        case "--host", "--port", "--jwt-key" -> {
          if (value == null) {
            if (i + 1 == args.length) {
              throw new IllegalArgumentException(name + ": missing value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--host" -> host = host(value);
            case "--port" -> port = port(value);
            default -> jwtKey = value;
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    return new Options(host, port, jwtKey == null ? null : jwtKey(jwtKey));
  }

  private static String host(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--host: empty (expected: an address such as 127.0.0.1)");
    }
    return value;
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--port: " + value + " (expected: 0..65535)");
  }

  private static byte[] jwtKey(String value) {
    byte[] key = value.getBytes(StandardCharsets.UTF_8);
    if (key.length < ExamplesConfig.MIN_JWT_KEY_BYTES) {
      throw new IllegalArgumentException(
          "--jwt-key: "
              + key.length
              + " bytes (expected: at least "
              + ExamplesConfig.MIN_JWT_KEY_BYTES
              + " for HS256)");
    }
    return key;
  }

  private static byte[] randomKey() {
    byte[] key = new byte[ExamplesConfig.MIN_JWT_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private static String urlHost(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
