package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.hub.Broker;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
import dev.herald.hub.Update;
import dev.herald.hub.browser.BrowserPage;
import dev.herald.hub.browser.Chromium;
import dev.herald.hub.browser.ChromiumRequirement;
import dev.herald.server.HeraldServer;
import dev.herald.server.Response;
import dev.herald.server.testing.SseRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium, served as {@code herald serve} serves it ({@link
 * Monitoring} installed next to the hub). A probe page of the same origin loads it in a frame and
 * drives it as a person would: subscribes with its form, publishes with its form, and reports what
 * the page shows; the test publishes and checks. Then a second Chromium takes a screenshot, kept in
 * {@code target/screenshots/}.
 *
 * <p>Without a Chromium on the {@code PATH} the test is skipped, except on CI ({@code CI=true}),
 * where it fails.
 */
class DashboardBrowserTest {
  private static final Path SCREENSHOT = Path.of("target", "screenshots", "dashboard.png");
  private static final int LOAD_TICKS = 160;
  private static final int LOAD_UPDATES = 40 * (1 + 2 + 3 + 4);

  private Chromium browser;

  @RegisterExtension final ChromiumRequirement chromium = new ChromiumRequirement(() -> browser);

  @TempDir Path chromiumDir;

  private final BrowserPage page = new BrowserPage();
  private final CompletableFuture<Response> hold = new CompletableFuture<>();
  private final AtomicBoolean released = new AtomicBoolean();
  private Monitoring monitoring;
  private Hub hub;
  private HeraldServer server;

  @BeforeEach
  void startHub() {
    monitoring = new Monitoring();
    hub =
        Hub.builder()
            .jwtKey(JwtKey.hmac(Tokens.KEY))
            .publishLatency(monitoring::recordPublish)
            .build();
    HeraldServer.Builder builder = HeraldServer.builder().host("127.0.0.1").port(0);
    monitoring.install(builder);
    page.install(builder);
    builder
        .get("/test/hold", request -> hold.completeOnTimeout(noContent(), 30, TimeUnit.SECONDS))
        .post(
            "/test/release",
            request -> {
              released.set(true);
              hold.complete(noContent());
              return noContent();
            });
    server = hub.install(builder).build();
    monitoring.start(server, hub, Broker.inMemory());
    server.start();
    page.tokens(
        () -> {
          try {
            return Tokens.all(Tokens.KEY);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @AfterEach
  void stopEverything() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
    if (monitoring != null) {
      monitoring.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static Response noContent() {
    return Response.builder(204).build();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void showsLiveCountsTheUpdatesOfItsSubscriptionAndPublishesWithoutConsoleErrors()
      throws Exception {
    browser =
        Chromium.open(
            Chromium.executable().orElseThrow(),
            uri("/browser/dashboard-probe.html"),
            chromiumDir,
            chromium.logFile());

    Map<String, Object> loaded = page.next();
    assertThat(loaded).containsEntry("kind", "loaded");
    assertThat(loaded.get("resources"))
        .as("what the dashboard loaded, with each status")
        .isEqualTo(
            List.of(
                "/dashboard/chart.umd.js 200",
                "/dashboard/dashboard.css 200",
                "/dashboard/dashboard.js 200"));

    assertThat(page.next()).containsEntry("kind", "subscribed");
    assertThat(hub.stats().subscriptions()).as("the dashboard's subscription").isEqualTo(1);

    String html = "<b>bold</b> & <img src=x onerror=\"report('xss')\">";
    hub.publish(
        Update.builder("https://example.com/books/1")
            .id("urn:test:1")
            .type("alert")
            .data(html)
            .build());
    assertThat(page.next())
        .as("an update shown as text, never as markup")
        .isEqualTo(
            Map.of("kind", "event", "cells", List.of("urn:test:1", "alert", html), "elements", 0));

    Map<String, Object> counters = page.next();
    assertThat(counters).containsEntry("kind", "counters").containsEntry("subscriptions", 1);

    Map<String, Object> refused = page.next();
    assertThat(refused).containsEntry("kind", "refused");
    assertThat((String) refused.get("status")).startsWith("Refused: 401 ");
    Map<String, Object> published = page.next();
    assertThat(published).containsEntry("kind", "published");
    assertThat((String) published.get("status")).startsWith("Published urn:uuid:");
    assertThat(page.next())
        .as("the update published with the form reached the subscription")
        .isEqualTo(
            Map.of(
                "kind",
                "event",
                "cells",
                List.of(
                    ((String) published.get("status")).substring("Published ".length()),
                    "price",
                    "from the form"),
                "elements",
                0));
    assertThat(hub.stats().updatesPublished()).isEqualTo(2);

    assertThat(page.next())
        .as("updates/s and deliveries/s on the chart")
        .isEqualTo(Map.of("kind", "chart", "updates", true, "deliveries", true, "labels", true));
    page.assertNoMoreReports();
    assertThat(consoleMessages(chromium.logFile()))
        .as("console messages of the dashboard (errors, CSP violations) in %s", chromium.logFile())
        .isEmpty();
  }

  /**
   * Publishes for 8 seconds at 20, 40, 60 and 80 updates a second, 400 in all, to three
   * subscribers, and returns once they have received every update.
   */
  private void publishLoad() throws Exception {
    List<SseRecorder> subscribers = new ArrayList<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int i = 0; i < 3; i++) {
        SseRecorder subscriber =
            SseRecorder.open(
                uri(Hub.PATH + "?topic=https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D"),
                "Authorization",
                "Bearer " + Tokens.all(Tokens.KEY));
        subscribers.add(subscriber);
        assertThat(subscriber.status()).isEqualTo(200);
      }
      AtomicInteger ticks = new AtomicInteger();
      ScheduledFuture<?> unused =
          timer.scheduleAtFixedRate(
              () -> {
                int tick = ticks.getAndIncrement();
                if (tick < LOAD_TICKS) {
                  for (int i = 0; i <= tick / 40; i++) {
                    hub.publish(
                        Update.builder("https://example.com/books/" + (tick % 7))
                            .data("{\"price\": " + (tick % 13) + "}")
                            .build());
                  }
                }
              },
              0,
              50,
              TimeUnit.MILLISECONDS);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> subscribers.stream().allMatch(s -> s.eventsReceived() == LOAD_UPDATES));
    } finally {
      timer.shutdownNow();
      for (SseRecorder subscriber : subscribers) {
        subscriber.close();
      }
    }
  }

  @Test
  void savesAScreenshotOfTheDashboardInUse() throws Exception {
    publishLoad();
    assertThat(hub.stats().deliveries()).isEqualTo(3L * LOAD_UPDATES);

    Chromium.screenshot(
        Chromium.executable().orElseThrow(),
        uri("/browser/dashboard-shot.html"),
        chromiumDir,
        SCREENSHOT,
        1280,
        1400,
        chromium.logFile());

    assertThat(released).as("the page released its hold: it subscribed and published").isTrue();
    assertThat(hub.stats().updatesPublished()).isEqualTo(LOAD_UPDATES + 3);
    byte[] png = Files.readAllBytes(SCREENSHOT);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    assertThat(png.length).as("a picture of a full page, not a blank one").isGreaterThan(50_000);
    assertThat(consoleMessages(chromium.logFile())).isEmpty();
  }

  /** Returns the console lines Chromium logged for the dashboard, leaving out the test pages'. */
  private static List<String> consoleMessages(Path log) throws Exception {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(line -> line.contains(":CONSOLE"))
        .filter(line -> !line.contains("/browser/"))
        .toList();
  }
}
