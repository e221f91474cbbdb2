package dev.herald.redis.testing;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real {@code redis-server} on a free loopback port before each test, in a fresh
 * directory, and stops it after. Without {@code redis-server} installed the test is skipped with a
 * clear message, unless the environment variable {@code CI} is {@code true}: then it fails.
 *
 * <pre>{@code
 * @RegisterExtension final RedisServerExtension redis = RedisServerExtension.appendOnly();
 * }</pre>
 */
public final class RedisServerExtension implements BeforeEachCallback, AfterEachCallback {
  private final boolean appendOnly;
  private @Nullable RedisServer server;
  private @Nullable Path dir;

  private RedisServerExtension(boolean appendOnly) {
    this.appendOnly = appendOnly;
  }

  /** Returns an extension whose server keeps nothing on disk. */
  public static RedisServerExtension inMemory() {
    return new RedisServerExtension(false);
  }

  /** Returns an extension whose server writes every change to its append-only file. */
  public static RedisServerExtension appendOnly() {
    return new RedisServerExtension(true);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Path executable = RedisServer.findExecutable();
    if (executable == null) {
      String message =
          "redis-server is not installed (Debian: apt-get install redis-server);"
              + " the Redis tests need a real one";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + " and CI=true");
      }
      Assumptions.abort(message + ": skipped");
    }
    dir = Files.createTempDirectory("herald-redis-test");
    server = RedisServer.start(executable, dir, appendOnly);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (server != null) {
      server.stop();
      server = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      dir = null;
    }
  }

  /** Returns the running server. */
  public RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("no redis-server (outside a test?)");
    }
    return server;
  }

  /** Returns {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return server().uri();
  }
}
