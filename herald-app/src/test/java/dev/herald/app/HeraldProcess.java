package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real {@code herald} program in its own JVM, on this test's class path, and reads what it
 * prints. Every wait is bounded by {@link #TIMEOUT}. {@link #close()} kills the process if it is
 * still running.
 */
final class HeraldProcess implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  static final String HUB_PATH = "/.well-known/mercure";

  private static final Pattern LISTENING =
      Pattern.compile("Herald listening on (https?)://([^:/\\s]+):(\\d+)");

  /** Marks the end of a stream in {@link #stdout}; compared by identity. */
  private static final String EOF = new String("<eof>");

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stdoutLines = new CopyOnWriteArrayList<>();
  private final List<String> stderrLines = new CopyOnWriteArrayList<>();
  private final CountDownLatch streamsEnded = new CountDownLatch(2);
  private volatile int port = -1;
  private volatile String scheme = "http";

  private HeraldProcess(Process process) {
    this.process = process;
    pump(process.getInputStream(), "stdout", stdoutLines, true);
    pump(process.getErrorStream(), "stderr", stderrLines, false);
  }

  /** Starts {@code herald args…} with no {@code HERALD_*} variable but those in {@code env}. */
  static HeraldProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dio.netty.leakDetection.level=paranoid");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(HeraldCommand.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("HERALD_"));
    builder.environment().putAll(env);
    return new HeraldProcess(builder.start());
  }

  /** Starts {@code herald args…} with no {@code HERALD_*} variable set. */
  static HeraldProcess start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  /**
   * Waits for the line {@code Herald listening on http[s]://HOST:PORT}, remembers the port, and
   * returns the lines printed on stdout before it.
   */
  List<String> awaitListening() throws InterruptedException {
    List<String> before = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : stdout.poll(left, TimeUnit.NANOSECONDS);
      if (line == null || line == EOF) {
        fail(
            "no listening line %s; stdout: %s; stderr: %s",
            line == null ? "within " + TIMEOUT : "before stdout ended", stdoutLines, stderrLines);
      }
      Matcher m = LISTENING.matcher(line);
      if (m.matches()) {
        scheme = m.group(1);
        port = Integer.parseInt(m.group(3));
        assertThat(port).isBetween(1, 65535);
        return before;
      }
      before.add(line);
    }
  }

  /** Returns the port from the listening line. */
  int port() {
    assertThat(port).as("port known (awaitListening called)").isPositive();
    return port;
  }

  /** Returns the URI of a path on the hub, over the loopback interface. */
  URI uri(String pathAndQuery) {
    return URI.create(scheme + "://127.0.0.1:" + port() + pathAndQuery);
  }

  /** Returns the URI that subscribes to the given topic selector. */
  URI subscribeUri(String topicSelector) {
    return uri(HUB_PATH + "?topic=" + URLEncoder.encode(topicSelector, StandardCharsets.UTF_8));
  }

  /** Posts a public update to the hub with the given bearer token; returns the response. */
  HttpResponse<String> post(String token, String topic, String data)
      throws IOException, InterruptedException {
    String form =
        "topic="
            + URLEncoder.encode(topic, StandardCharsets.UTF_8)
            + "&data="
            + URLEncoder.encode(data, StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(uri(HUB_PATH))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a GET with the given header names and values; returns the response, body as text. */
  HttpResponse<String> get(String pathAndQuery, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Returns the status of a GET whose body is not read (an SSE stream), closing it. */
  int status(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        HTTP.send(
            HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    response.body().close();
    return response.statusCode();
  }

  /** Publishes an update, asserts it was acknowledged with 200 and an id, and returns the id. */
  String publish(String token, String topic, String data) throws IOException, InterruptedException {
    HttpResponse<String> response = post(token, topic, data);
    assertThat(response.statusCode()).as("publish status, body %s", response.body()).isEqualTo(200);
    assertThat(response.body()).startsWith("urn:uuid:");
    return response.body();
  }

  /** Waits for the process to exit and for its output to be read; returns the exit code. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(
          "herald did not exit within %s; stdout: %s; stderr: %s",
          TIMEOUT, stdoutLines, stderrLines);
    }
    assertThat(streamsEnded.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .as("stdout and stderr closed")
        .isTrue();
    return process.exitValue();
  }

  /** Sends SIGTERM, without closing this side of the pipes. */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Sends SIGKILL, without closing this side of the pipes, and waits for the process to end. */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    awaitExit();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Returns the lines printed on stdout so far. */
  List<String> stdout() {
    return List.copyOf(stdoutLines);
  }

  /** Returns the lines printed on stderr so far. */
  List<String> stderr() {
    return List.copyOf(stderrLines);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.toHandle().destroyForcibly();
      try {
        process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void pump(InputStream in, String name, List<String> lines, boolean queue) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  lines.add(line);
                  if (queue) {
                    stdout.add(line);
                  }
                }
              } catch (IOException e) {
                lines.add("<" + name + " read failed: " + e + ">");
              } finally {
                if (queue) {
                  stdout.add(EOF);
                }
                streamsEnded.countDown();
              }
            },
            "herald-test-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
