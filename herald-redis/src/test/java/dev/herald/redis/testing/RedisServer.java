package dev.herald.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} process on a free loopback port, for tests. {@link #stop()} shuts it
 * down (flushing its append-only file when on) and {@link #restart()} starts it again on the same
 * port and directory. Every wait is bounded.
 */
public final class RedisServer implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int START_ATTEMPTS = 5;

  private final Path executable;
  private final Path dir;
  private final boolean appendOnly;
  private int port;
  private @Nullable Process process;

  private RedisServer(Path executable, Path dir, boolean appendOnly) {
    this.executable = executable;
    this.dir = dir;
    this.appendOnly = appendOnly;
  }

  /** Returns the {@code redis-server} on the PATH (or in /usr/bin, /usr/sbin), or null. */
  public static @Nullable Path findExecutable() {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
    for (String d : dirs) {
      Path candidate = Path.of(d, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Starts {@code redis-server} on a free port with its files in {@code dir}; with {@code
   * appendOnly} every write goes to the append-only file (fsync'd every write), so a restart keeps
   * everything.
   */
  public static RedisServer start(Path executable, Path dir, boolean appendOnly)
      throws IOException, InterruptedException {
    RedisServer server = new RedisServer(executable, dir, appendOnly);
    IOException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try (ServerSocket socket =
          new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        server.port = socket.getLocalPort();
      }
      try {
        server.launch();
        return server;
      } catch (IOException e) {
        last = e; // most likely the port was taken meanwhile: another one
      }
    }
    throw new IOException("redis-server did not start in " + START_ATTEMPTS + " attempts", last);
  }

  /** Returns the port. */
  public int port() {
    return port;
  }

  /** Returns {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Shuts the server down as {@code SIGTERM} does (saving the append-only file) and waits. */
  public void stop() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    process = null;
  }

  /** Starts the server again, on the same port and directory. */
  public void restart() throws IOException, InterruptedException {
    stop();
    IOException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        launch();
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IOException("redis-server did not restart on port " + port, last);
  }

  /** Sends one command (inline protocol) and returns the first line of the answer. */
  public String command(String command) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void launch() throws IOException, InterruptedException {
    Path log = dir.resolve("redis-" + port + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                executable.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                appendOnly ? "yes" : "no",
                "--appendfsync",
                "always",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = builder.start();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(
            "redis-server exited with "
                + p.exitValue()
                + ": "
                + tail(log)
                + " (port "
                + port
                + ")");
      }
      try {
        if (command("PING").equals("+PONG")) {
          process = p;
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      p.waitFor(20, TimeUnit.MILLISECONDS); // polls the process, bounded by the deadline
    }
    p.destroyForcibly();
    throw new IOException("redis-server did not answer PING within " + TIMEOUT);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
