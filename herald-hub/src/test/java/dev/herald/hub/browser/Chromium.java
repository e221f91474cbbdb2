package dev.herald.hub.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A headless Chromium showing one page, run as a plain subprocess: no WebDriver, no DevTools. The
 * page talks to the test over HTTP instead (see {@link BrowserPage}).
 *
 * <p>Everything Chromium prints goes to a log file, whose tail failing tests quote. {@link
 * #close()} kills the whole process tree: Chromium forks a zygote, renderers and utility processes,
 * which would outlive a browser process killed alone.
 */
public final class Chromium implements AutoCloseable {
  /** Names tried on the {@code PATH}, Debian's first. */
  private static final List<String> NAMES =
      List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");

  /**
   * The flags of the machine's documented headless set-up. The background-networking ones matter:
   * without them Chromium keeps dialling Google's hosts, which this closed network refuses.
   */
  private static final List<String> FLAGS =
      List.of(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--no-default-browser-check",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-extensions",
          // Console messages of the page, for the log.
          "--enable-logging=stderr");

  private static final int LOG_TAIL_LINES = 40;

  private final Process process;
  private final Path log;

  private Chromium(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Returns the Chromium executable found on the {@code PATH}, if any. */
  public static Optional<Path> executable() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : NAMES) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts Chromium on the page, logging to {@code log} (replaced if it exists). Its profile and
   * temporary files go to {@code dir}, an empty directory the caller deletes: a killed Chromium
   * leaves its singleton socket's directory behind in {@code TMPDIR}.
   */
  public static Chromium open(Path executable, URI page, Path dir, Path log) throws IOException {
    return open(executable, page, dir, log, List.of());
  }

  /** Starts Chromium as {@link #open(Path, URI, Path, Path)} does, with more flags. */
  public static Chromium open(Path executable, URI page, Path dir, Path log, List<String> flags)
      throws IOException {
    Files.createDirectories(log.getParent());
    Path profile = Files.createDirectory(dir.resolve("profile"));
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    List<String> command =
        Stream.of(
                Stream.of(executable.toString()),
                FLAGS.stream(),
                flags.stream(),
                Stream.of("--user-data-dir=" + profile, page.toString()))
            .flatMap(s -> s)
            .toList();
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("TMPDIR", tmp.toString());
    Process process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    return new Chromium(process, log);
  }

  /**
   * Runs a second, short-lived Chromium that loads the page in a window of the given size, saves a
   * PNG of it once the page's {@code load} event has fired, and exits. A page that must show live
   * data first can hold its {@code load} event with a resource the test answers late. Waits at most
   * a minute; logs to {@code log}, with its profile in {@code dir} as for {@link #open}.
   *
   * @throws AssertionError if no screenshot was written in time
   */
  public static void screenshot(
      Path executable, URI page, Path dir, Path png, int width, int height, Path log)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    Path profile = Files.createDirectory(dir.resolve("screenshot-profile"));
    Path tmp = Files.createDirectory(dir.resolve("screenshot-tmp"));
    List<String> command =
        Stream.of(
                Stream.of(executable.toString()),
                FLAGS.stream(),
                Stream.of(
                    "--user-data-dir=" + profile,
                    "--hide-scrollbars",
                    "--window-size=" + width + "," + height,
                    "--screenshot=" + png.toAbsolutePath(),
                    page.toString()))
            .flatMap(s -> s)
            .toList();
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("TMPDIR", tmp.toString());
    Process process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    Chromium chromium = new Chromium(process, log);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || !Files.isRegularFile(png)) {
        throw new AssertionError("no screenshot of " + page + "\n" + chromium.logTail());
      }
    } finally {
      chromium.close();
    }
  }

  /** Returns the log file. */
  public Path log() {
    return log;
  }

  /**
   * Returns the last lines Chromium printed, with a heading naming the log file. Lines about D-Bus,
   * which headless machines lack and Chromium complains of at every start, are left out.
   */
  public String logTail() {
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .filter(line -> !line.contains("dbus"))
              .toList();
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return "--- last "
          + tail.size()
          + " lines of "
          + log.toAbsolutePath()
          + (process.isAlive() ? "" : " (Chromium exited with " + process.exitValue() + ")")
          + " ---\n"
          + String.join("\n", tail);
    } catch (IOException | UncheckedIOException e) {
      return "--- no Chromium log at " + log.toAbsolutePath() + ": " + e + " ---";
    }
  }

  private static void awaitExit(ProcessHandle process) {
    process.onExit().completeOnTimeout(process, 10, TimeUnit.SECONDS).join();
  }

  /** Kills Chromium and every process it started, and waits for them to exit. */
  @Override
  public void close() {
    // Children first: once the browser process is gone, its children are re-parented and no
    // longer its descendants.
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    awaitExit(process.toHandle());
    children.forEach(Chromium::awaitExit);
  }
}
