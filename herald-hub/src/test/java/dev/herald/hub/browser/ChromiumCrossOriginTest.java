package dev.herald.hub.browser;

import static dev.herald.hub.HubExtension.PUBLISHER_KEY;
import static dev.herald.hub.HubExtension.SUBSCRIBER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.hub.History;
import dev.herald.hub.Hub;
import dev.herald.hub.HubExtension;
import dev.herald.hub.JwtKey;
import dev.herald.hub.Update;
import dev.herald.server.Cors;
import dev.herald.server.HeraldServer;
import dev.herald.server.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page on one origin subscribes, in a real headless Chromium, to a hub on another origin that
 * allows it with {@link Cors} and credentials: {@code new EventSource(hubUrl, {withCredentials:
 * true})}, authorized by the {@code mercureAuthorization} cookie of the hub's host. A page on an
 * origin the hub does not allow gets nothing, although its browser holds the same cookie.
 *
 * <p>Two servers on loopback, each on a port of its own: one serves the pages (and records their
 * reports, see {@link BrowserPage}), the other the hub, with a test-only {@code GET /login} that
 * sets the cookie, as an application's login would. The page server answers under two host names,
 * so that one server serves two origins: the allowed {@code http://app.herald.localhost:<port>} and
 * {@code http://evil.herald.localhost:<port>}; the hub is {@code
 * http://hub.herald.localhost:<port>}. Chromium resolves every {@code *.localhost} name to loopback
 * by itself (RFC 6761), so no DNS and no {@code --host-resolver-rules} are needed.
 *
 * <p>Why three labels: the cookie is {@code SameSite=Lax}, so the page and the hub must be the same
 * site. Chromium treats an unknown top-level domain such as {@code localhost} as a public suffix,
 * which makes {@code app.localhost} and {@code hub.localhost} two sites: the hub's {@code
 * Set-Cookie} on the login fetch is then dropped, and no cookie goes with the EventSource (checked
 * in Chromium 156, as for {@code app.test}/{@code hub.test}). Under {@code herald.localhost} all
 * three hosts share the site {@code herald.localhost}, as {@code app.example.com} and {@code
 * hub.example.com} share {@code example.com}. Same site also means the evil page's requests carry
 * the cookie: only CORS keeps the hub's answer from it, which is what the test is about.
 *
 * <p>The hub publishes subscription events into a history the test reads: they show which
 * subscriptions the hub accepted, so whether a cookie came along, and that the browser later
 * dropped them. No sleeps; every wait is bounded by {@link BrowserPage#TIMEOUT}. Without Chromium
 * the class is skipped, except on CI, as {@link ChromiumEventSourceTest} is.
 */
class ChromiumCrossOriginTest {
  private static final String ALICE = "https://example.com/users/alice/notifications";
  private static final String COOKIE = "mercureAuthorization";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BrowserPage page = new BrowserPage();

  /** The tokens the hub's {@code /login} puts in the cookie. */
  private volatile Supplier<String> logins =
      () -> HubExtension.subscriberToken("https://example.com/users/alice/{+rest}");

  private HeraldServer pages;
  private History history;
  private Hub hub;
  private HeraldServer hubServer;
  private Chromium browser;

  @RegisterExtension final ChromiumRequirement chromium = new ChromiumRequirement(() -> browser);

  @TempDir Path chromiumDir;

  /** Starts the page server, then the hub's, whose CORS allow-list names the page server's port. */
  @BeforeEach
  void start() {
    HeraldServer.Builder pageServer = HeraldServer.builder().host("127.0.0.1").port(0);
    page.install(pageServer);
    pages = pageServer.build().start();

    history = History.inMemory(1000, Duration.ZERO);
    hub =
        Hub.builder()
            .publisherKey(JwtKey.hmac(PUBLISHER_KEY))
            .subscriberKey(JwtKey.hmac(SUBSCRIBER_KEY))
            .history(history)
            .subscriptionEvents(true)
            .build();
    hubServer =
        hub.install(
                HeraldServer.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .cors(Cors.allowOrigins(app()).allowCredentials(true).build()))
            .get("/login", request -> login())
            .build()
            .start();
  }

  /** Kills the browser, then stops the servers: after every test, passed or failed. */
  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (hubServer != null) {
      hubServer.stop(Duration.ofSeconds(5));
    }
    if (hub != null) {
      hub.close();
    }
    if (pages != null) {
      pages.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPageOnAnAllowedOriginReceivesPrivateUpdatesWithTheHubsCookie() throws Exception {
    open(app(), "&login");
    assertThat(page.next())
        .as("the credentialed fetch passed CORS")
        .isEqualTo(Map.of("kind", "login", "status", 204));
    assertThat(page.next()).isEqualTo(Map.of("kind", "open", "withCredentials", true));

    String id = publishPrivate(ALICE, "for alice");
    assertThat(page.next()).isEqualTo(message("for alice", id));
    page.assertNoMoreReports();
    assertThat(activations()).as("subscriptions the hub accepted").containsExactly(ALICE);
  }

  /**
   * Without the cookie the hub refuses the subscription with 401 (it is not anonymous), and the
   * EventSource closes for good. The origin is allowed, so the page may read the 401 itself.
   */
  @Test
  void aPageOnAnAllowedOriginWithoutTheCookieIsRefused() throws Exception {
    open(app(), "");
    assertThat(page.next())
        .as("a 401 closes the EventSource without a retry")
        .isEqualTo(Map.of("kind", "error", "readyState", 2));
    assertThat(page.next())
        .as("the page can read the hub's answer: its origin is allowed")
        .isEqualTo(Map.of("kind", "probe", "status", 401));
    page.assertNoMoreReports();
    assertThat(activations()).as("subscriptions the hub accepted").isEmpty();
  }

  /**
   * A page on an origin the hub does not allow, in the same site, so its browser sends the hub's
   * cookie: the hub accepts the subscription and replays Alice's private update, but its answer
   * carries no {@code Access-Control-Allow-Origin}, so the browser hands the page nothing. The
   * login fetch fails the same way, yet the browser keeps the cookie it set (it processes {@code
   * Set-Cookie} before the CORS check): the hub's accepting the subscriptions shows it.
   */
  @Test
  void aPageOnAnotherOriginGetsNothingAlthoughItsBrowserSendsTheCookie() throws Exception {
    String id = publishPrivate(ALICE, "for alice");
    open(evil(), "&login&lastEventID=earliest");
    assertThat(page.next())
        .as("the login fetch is blocked: no Access-Control-Allow-Origin")
        .isEqualTo(Map.of("kind", "login", "error", "TypeError"));
    assertThat(page.next())
        .as("a CORS failure closes the EventSource for good, without a message")
        .isEqualTo(Map.of("kind", "error", "readyState", 2));
    assertThat(page.next())
        .as("the page cannot even read the status of the hub's answer")
        .isEqualTo(Map.of("kind", "probe", "error", "TypeError"));
    page.assertNoMoreReports();

    assertThat(activations())
        .as(
            "the hub accepted the EventSource's and the probe's subscriptions, so the cookie came"
                + " along, and replayed %s to both",
            id)
        .containsExactly(ALICE, ALICE);
    // Chromium closes a connection whose response it abandoned only after draining the body for
    // up to 5 s (net::HttpResponseBodyDrainer), so the hub sees both leave about 5 s later.
    await()
        .atMost(BrowserPage.TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(hub.subscriberCount()).as("subscribers connected").isZero();
              assertThat(deactivations()).as("subscriptions ended").containsExactly(ALICE, ALICE);
            });
    page.assertNoMoreReports();
  }

  /**
   * The hub ends the stream when the cookie's token expires; the page logs in again, and the
   * browser reconnects to the other origin by itself with the new cookie and {@code Last-Event-ID}.
   * The private updates published while it was away arrive from history, once each: a reconnection
   * without {@code Last-Event-ID}, or refused, would get neither of them.
   */
  @Test
  void theBrowserResumesACrossOriginStreamWithLastEventIdAndTheRefreshedCookie() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    logins =
        () ->
            HubExtension.token(
                SUBSCRIBER_KEY,
                Map.of("subscribe", List.of("https://example.com/users/alice/{+rest}")),
                // exp has whole seconds: the first token lives 3 to 4 seconds, the next forever.
                issued.getAndIncrement() == 0 ? Instant.now().plusSeconds(4) : null);
    open(app(), "&login");
    assertThat(page.next()).isEqualTo(Map.of("kind", "login", "status", 204));
    assertThat(page.next()).isEqualTo(Map.of("kind", "open", "withCredentials", true));
    String one = publishPrivate(ALICE, "one", Duration.ofSeconds(3));
    assertThat(page.next()).isEqualTo(message("one", one));

    assertThat(page.next())
        .as("the stream ended at the token's expiry, the page logged in again")
        .isEqualTo(Map.of("kind", "error", "readyState", 0, "status", 204));
    String two = publishPrivate(ALICE, "two");
    String three = publishPrivate(ALICE, "three");
    assertThat(hub.subscriberCount())
        .as(
            "the browser reconnected within the 3 s retry time, before two and three were"
                + " published: this test no longer shows that they come from history")
        .isZero();

    assertThat(page.next()).isEqualTo(Map.of("kind", "open", "withCredentials", true));
    assertThat(page.next()).isEqualTo(message("two", two));
    assertThat(page.next()).isEqualTo(message("three", three));
    String four = publishPrivate(ALICE, "four");
    assertThat(page.next()).isEqualTo(message("four", four));
    page.assertNoMoreReports();
    assertThat(issued).as("tokens the hub's login issued").hasValue(2);
  }

  private String app() {
    return "http://app.herald.localhost:" + pages.port();
  }

  private String evil() {
    return "http://evil.herald.localhost:" + pages.port();
  }

  private String hubOrigin() {
    return "http://hub.herald.localhost:" + hubServer.port();
  }

  /**
   * What an application's login answers a cross-origin page: the subscriber token in the hub's
   * cookie. {@code Path} keeps it to the hub's routes, {@code HttpOnly} from scripts; {@code
   * SameSite=Lax} lets it go with requests from the same site, whichever origin.
   */
  private Response login() {
    return Response.builder(204)
        .header(
            "Set-Cookie",
            COOKIE + "=" + logins.get() + "; Path=" + Hub.PATH + "; HttpOnly; SameSite=Lax")
        .header("Cache-Control", "no-store")
        .build();
  }

  /** Starts Chromium on {@code cross-origin.html} of the origin, with a fresh profile. */
  private void open(String origin, String moreQuery) throws IOException {
    Path log = chromium.logFile();
    URI uri =
        URI.create(
            origin
                + "/browser/cross-origin.html?hub="
                + encode(hubOrigin())
                + "&topic="
                + encode(ALICE)
                + moreQuery);
    browser = Chromium.open(Chromium.executable().orElseThrow(), uri, chromiumDir, log);
  }

  private String publishPrivate(String topic, String data) {
    return publishPrivate(topic, data, null);
  }

  private String publishPrivate(String topic, String data, Duration retry) {
    return hub.publish(Update.builder(topic).data(data).privateUpdate(true).retry(retry).build())
        .id();
  }

  /** The topics of the subscriptions the hub accepted, in order, from its subscription events. */
  private List<String> activations() throws IOException {
    return subscriptionEvents(true);
  }

  /** The topics of the subscriptions that ended, in order. */
  private List<String> deactivations() throws IOException {
    return subscriptionEvents(false);
  }

  private List<String> subscriptionEvents(boolean active) throws IOException {
    List<String> topics = new ArrayList<>();
    for (History.Entry entry : history.readAfter(0, 1000)) {
      if (entry.update().topic().startsWith(Hub.PATH + "/subscriptions/")) {
        Map<?, ?> doc = JSON.readValue(entry.update().data(), Map.class);
        if (doc.get("active").equals(active)) {
          topics.add((String) doc.get("topic"));
        }
      }
    }
    return topics;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, Object> message(String data, String id) {
    return Map.of("kind", "message", "type", "message", "data", data, "lastEventId", id);
  }
}
