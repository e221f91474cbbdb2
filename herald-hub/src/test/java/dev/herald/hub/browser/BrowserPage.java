package dev.herald.hub.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.herald.server.HeraldServer;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The test's side of the pages under {@code src/test/resources/browser}: serves them, answers their
 * {@code GET /token}, and records what they {@code POST /report}.
 *
 * <p>Each report is a JSON object with a {@code seq} number and a {@code kind}. Reports travel in
 * separate fetches, which may reach the server out of order, so {@link #next()} hands them out in
 * the page's order, not the order of arrival. Reports are recorded on the server's handler threads
 * and read by the test thread.
 */
public final class BrowserPage {
  /** How long {@link #next()} waits for a report. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern FILE = Pattern.compile("[a-z][a-z-]*\\.(html|js)");

  private final Map<Integer, CompletableFuture<Map<String, Object>>> reports =
      new ConcurrentHashMap<>();
  private volatile Supplier<String> tokens =
      () -> {
        throw HttpStatusException.notFound("this test serves no tokens");
      };

  /** Read and written by the test thread only. */
  private int nextSeq;

  /** Adds the page routes to a server under construction. */
  public void install(HeraldServer.Builder server) {
    server
        .get("/browser/:file", this::file)
        .get("/token", request -> tokenResponse())
        .post("/report", this::report);
  }

  /** Answers the page's {@code GET /token} requests with tokens from the supplier. */
  public void tokens(Supplier<String> tokens) {
    this.tokens = tokens;
  }

  /**
   * Returns the page's next report without its {@code seq}, waiting up to {@link #TIMEOUT}.
   *
   * @throws AssertionError if none comes in time
   */
  public Map<String, Object> next() throws InterruptedException {
    int seq = nextSeq;
    try {
      Map<String, Object> report = pending(seq).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      nextSeq++;
      return report;
    } catch (TimeoutException e) {
      return fail(
          "no report #%d from the page within %s; reports received after it: %s",
          seq, TIMEOUT, unread());
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Asserts that no report has arrived that {@link #next()} has not returned. */
  public void assertNoMoreReports() {
    assertThat(unread()).as("reports not expected by the test").isEmpty();
  }

  private Map<Integer, Map<String, Object>> unread() {
    Map<Integer, Map<String, Object>> unread = new TreeMap<>();
    reports.forEach(
        (seq, report) -> {
          if (seq >= nextSeq && report.isDone()) {
            unread.put(seq, report.join());
          }
        });
    return unread;
  }

  private CompletableFuture<Map<String, Object>> pending(int seq) {
    return reports.computeIfAbsent(seq, s -> new CompletableFuture<>());
  }

  @SuppressWarnings("unchecked")
  private Object report(Request request) {
    Map<String, Object> report = new LinkedHashMap<>(request.bodyJson(Map.class));
    Object seq = report.remove("seq");
    if (!(seq instanceof Integer)) {
      throw HttpStatusException.badRequest("report without a seq: " + report);
    }
    if (!pending((Integer) seq).complete(report)) {
      throw HttpStatusException.badRequest("report #" + seq + " sent twice");
    }
    return null;
  }

  private Response tokenResponse() {
    return Response.builder(200).header("Cache-Control", "no-store").body(tokens.get()).build();
  }

  private Response file(Request request) throws IOException {
    String name = request.pathParam("file");
    if (name == null || !FILE.matcher(name).matches()) {
      throw HttpStatusException.notFound("no such page");
    }
    try (InputStream in = BrowserPage.class.getResourceAsStream("/browser/" + name)) {
      if (in == null) {
        throw HttpStatusException.notFound("no such page: " + name);
      }
      String type = name.endsWith(".html") ? "text/html" : "text/javascript";
      return Response.builder(200)
          .header("Content-Type", type + "; charset=utf-8")
          .header("Cache-Control", "no-store")
          .body(in.readAllBytes())
          .build();
    }
  }
}
