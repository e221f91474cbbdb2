package dev.herald.hub.browser;

import static dev.herald.hub.HubExtension.SUBSCRIBER_KEY;
import static dev.herald.hub.HubExtension.subscriberToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.hub.HubExtension;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser code written for Mercure, run unchanged in a real headless Chromium against Herald's hub:
 * {@code new EventSource(hubUrl + '?topic=…')}, event listeners, the {@code mercureAuthorization}
 * cookie, and the browser's own reconnection with {@code Last-Event-ID}.
 *
 * <p>Chromium runs as a plain subprocess on a page the hub's server serves itself (so the page and
 * the hub share an origin, as cookie authorization needs). The page reports what it sees with
 * {@code fetch('/report')}; the test waits for each report in turn, then acts: publishes, checks
 * the hub. No sleeps, no WebDriver.
 *
 * <p>Without a Chromium on the {@code PATH} the class is skipped, except on CI ({@code CI=true}),
 * which installs Debian's {@code chromium} and must run it. Chromium's output goes to {@code
 * target/chromium/}, and failures quote its tail.
 */
class ChromiumEventSourceTest {
  private static final String BOOKS = "https://example.com/books/{id}";

  private Chromium browser;

  final BrowserPage page = new BrowserPage();

  @RegisterExtension final ChromiumRequirement chromium = new ChromiumRequirement(() -> browser);

  @RegisterExtension
  final HubExtension hub = new HubExtension(b -> b.anonymous(true), page::install);

  @TempDir Path chromiumDir;

  /** Kills the browser after every test, passed or failed, before the hub's server stops. */
  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void aMercurePageReceivesTypedMultiLineAndNonAsciiUpdatesInOrder() throws Exception {
    String json = "{\"level\":\"high\"}";
    String multiLine = "line one\n  indented line two\n\nline four, after an empty one";
    String nonAscii = "café ✓ Grüße 日本語 😀";
    open("messages.html");
    assertThat(page.next()).isEqualTo(Map.of("kind", "open"));

    String alert = hub.publish("https://example.com/books/1", json, "type", "alert");
    String second = hub.publish("https://example.com/books/2", multiLine);
    String third = hub.publish("https://example.com/books/3", nonAscii);

    assertThat(page.next())
        .as("a typed event reaches addEventListener('alert'), not onmessage")
        .isEqualTo(event("alert", "alert", json, alert));
    assertThat(page.next()).isEqualTo(message(multiLine, second));
    assertThat(page.next()).isEqualTo(message(nonAscii, third));
    page.assertNoMoreReports();
  }

  /**
   * The hub ends a subscriber's stream when its token expires; the browser then reconnects by
   * itself, after the {@code retry} time the first update set, with {@code Last-Event-ID} and the
   * cookie the page refreshed meanwhile. Updates published while it was away reach it from history,
   * once each: a reconnection without {@code Last-Event-ID} would get neither of them.
   */
  @Test
  void theBrowserReconnectsWithLastEventIdAndMissesNothingWhenTheHubEndsAnExpiredStream()
      throws Exception {
    AtomicInteger issued = new AtomicInteger();
    page.tokens(
        () ->
            HubExtension.token(
                SUBSCRIBER_KEY,
                Map.of("subscribe", List.of(BOOKS)),
                // exp has whole seconds: the first token lives 3 to 4 seconds, its refresh forever.
                issued.getAndIncrement() == 0 ? Instant.now().plusSeconds(4) : null));
    open("resume.html");
    assertThat(page.next()).isEqualTo(Map.of("kind", "open"));
    String first = hub.publish("https://example.com/books/1", "one", "retry", "3000");
    assertThat(page.next()).isEqualTo(message("one", first));

    assertThat(page.next())
        .as("the stream ended at the token's expiry and the browser is reconnecting")
        .isEqualTo(Map.of("kind", "error", "readyState", 0));
    String second = hub.publish("https://example.com/books/2", "two");
    String third = hub.publish("https://example.com/books/3", "three");
    assertThat(hub.hub().subscriberCount())
        .as(
            "the browser reconnected within the 3 s retry time, before two and three were"
                + " published: this test no longer shows that they come from history")
        .isZero();

    assertThat(page.next()).isEqualTo(Map.of("kind", "open"));
    assertThat(page.next()).isEqualTo(message("two", second));
    assertThat(page.next()).isEqualTo(message("three", third));
    String fourth = hub.publish("https://example.com/books/4", "four");
    assertThat(page.next()).isEqualTo(message("four", fourth));
    page.assertNoMoreReports();
    assertThat(issued).as("tokens the page fetched").hasValue(2);
  }

  /**
   * The page subscribes to Alice's and Bob's topics with a token for Alice's only: Bob's private
   * update is withheld, while a later public one on his topic arrives, so the subscription did
   * cover his topic and the token alone made the difference.
   */
  @Test
  void aSameOriginCookieAuthorizesPrivateUpdatesForItsTopicsOnly() throws Exception {
    page.tokens(() -> subscriberToken("https://example.com/users/alice/{+rest}"));
    String alice = "https://example.com/users/alice/notifications";
    String bob = "https://example.com/users/bob/notifications";
    open("cookie.html");
    assertThat(page.next()).isEqualTo(Map.of("kind", "open"));

    String forAlice = hub.publish(alice, "for alice", "private", "on");
    hub.publish(bob, "for bob", "private", "on");
    String marker = hub.publish(bob, "public marker");

    assertThat(page.next()).isEqualTo(message("for alice", forAlice));
    assertThat(page.next())
        .as("Bob's private update is withheld")
        .isEqualTo(message("public marker", marker));
    page.assertNoMoreReports();
  }

  /**
   * Over HTTP/1.1 a browser opens at most six connections per host, and each EventSource holds one
   * for as long as it is open: a page's seventh EventSource to the hub waits, in CONNECTING,
   * without an error, until another closes. Real pages hit this with several tabs open, which is
   * why hubs serve HTTP/2, where every stream shares one connection ({@link ChromiumHttp2Test}
   * opens the same page over HTTP/2; this test pins the HTTP/1.1 behaviour).
   *
   * <p>The page reports to {@code localhost} rather than to its own origin, {@code 127.0.0.1}:
   * Chromium counts connections per host name, so the reports do not wait behind the EventSources.
   */
  @Test
  void onlySixEventSourcesOfAPageConnectOverHttp1AndTheOthersWaitForAFreeConnection()
      throws Exception {
    String topic = "https://example.com/connections";
    String reports = "http://localhost:" + hub.server().port() + "/report";
    open("connections.html?count=10&report=" + URLEncoder.encode(reports, StandardCharsets.UTF_8));
    Set<Integer> open = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Map<String, Object> report = page.next();
      assertThat(report).containsEntry("kind", "open");
      open.add((Integer) report.get("index"));
    }
    assertThat(open).hasSize(6);
    assertThat(hub.hub().subscriberCount()).isEqualTo(6);

    hub.publish(topic, "states");
    List<Integer> states = states(page.next());
    assertThat(states)
        .as("readyStates of the ten EventSources: six OPEN (1), four CONNECTING (0)")
        .hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(states.get(i)).as("readyState of #%d", i).isEqualTo(open.contains(i) ? 1 : 0);
    }

    hub.publish(topic, "close-one");
    Map<String, Object> closed = page.next();
    assertThat(closed).containsEntry("kind", "closed");
    assertThat(open).contains((Integer) closed.get("index"));
    Map<String, Object> seventh = page.next();
    assertThat(seventh)
        .as("a waiting EventSource gets the freed connection")
        .containsEntry("kind", "open");
    assertThat(open).doesNotContain((Integer) seventh.get("index"));

    hub.publish(topic, "states");
    List<Integer> after = states(page.next());
    assertThat(Collections.frequency(after, 1)).as("OPEN in %s", after).isEqualTo(6);
    assertThat(Collections.frequency(after, 2)).as("CLOSED in %s", after).isEqualTo(1);
    assertThat(Collections.frequency(after, 0)).as("CONNECTING in %s", after).isEqualTo(3);
    await()
        .atMost(BrowserPage.TIMEOUT)
        .untilAsserted(() -> assertThat(hub.hub().subscriberCount()).isEqualTo(6));
    page.assertNoMoreReports();
  }

  /** Starts Chromium on one of the pages, with a fresh profile; {@link #closeBrowser} kills it. */
  private void open(String pageAndQuery) throws IOException {
    Path log = chromium.logFile();
    browser =
        Chromium.open(
            Chromium.executable().orElseThrow(),
            hub.uri("/browser/" + pageAndQuery),
            chromiumDir,
            log);
  }

  private static Map<String, Object> message(String data, String id) {
    return event("message", "message", data, id);
  }

  private static Map<String, Object> event(String kind, String type, String data, String id) {
    return Map.of("kind", kind, "type", type, "data", data, "lastEventId", id);
  }

  @SuppressWarnings("unchecked")
  private static List<Integer> states(Map<String, Object> report) {
    assertThat(report).containsEntry("kind", "states");
    return (List<Integer>) report.get("states");
  }
}
