package dev.herald.hub.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.hub.HubExtension;
import dev.herald.hub.Update;
import dev.herald.server.testing.TestTls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page of {@link ChromiumEventSourceTest}'s six-connection test, served over TLS: Chromium
 * negotiates HTTP/2 by ALPN, and the ten EventSources of the page are streams of one connection
 * (two when Chromium opens a spare), so all ten open and receive updates, where over HTTP/1.1 only
 * six could.
 *
 * <p>Chromium runs with {@code --ignore-certificate-errors}: the hub's certificate is a self-signed
 * one the test made.
 */
class ChromiumHttp2Test {
  private static final String TOPIC = "https://example.com/connections";
  private static final int SOURCES = 10;

  private Chromium browser;

  final BrowserPage page = new BrowserPage();

  @RegisterExtension final ChromiumRequirement chromium = new ChromiumRequirement(() -> browser);

  @RegisterExtension
  final HubExtension hub =
      new HubExtension(
          b -> b.anonymous(true),
          server -> {
            page.install(server);
            server.tls(TestTls.TLS);
          });

  @TempDir Path chromiumDir;

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void tenEventSourcesOfAPageOpenAndReceiveUpdatesOverOneHttp2Connection() throws Exception {
    open("connections.html?count=" + SOURCES);
    Set<Integer> open = new HashSet<>();
    for (int i = 0; i < SOURCES; i++) {
      Map<String, Object> report = page.next();
      assertThat(report).containsEntry("kind", "open");
      open.add((Integer) report.get("index"));
    }
    assertThat(open).hasSize(SOURCES);
    await()
        .atMost(BrowserPage.TIMEOUT)
        .untilAsserted(() -> assertThat(hub.hub().subscriberCount()).isEqualTo(SOURCES));

    // Every source gets the update; the first to handle it reports every readyState.
    hub.hub().publish(Update.builder(TOPIC).data("states").build());
    Map<String, Object> states = page.next();
    assertThat(states).containsEntry("kind", "states");
    assertThat(states.get("states")).isEqualTo(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
    // Ten open EventSources on fewer than six connections are streams sharing connections: over
    // HTTP/1.1 each needs its own, and Chromium allows six per origin. Usually all share one;
    // Chromium sometimes opens a spare connection while the first one's TLS handshake runs.
    assertThat(hub.server().connectionCount())
        .as("connections from Chromium: the page, its reports and ten EventSources share them")
        .isBetween(1, 2);

    hub.hub().publish(Update.builder(TOPIC).data("close-one").build());
    assertThat(page.next()).containsEntry("kind", "closed");
    await()
        .atMost(BrowserPage.TIMEOUT)
        .untilAsserted(() -> assertThat(hub.hub().subscriberCount()).isEqualTo(SOURCES - 1));
    page.assertNoMoreReports();
  }

  private void open(String pageAndQuery) throws IOException {
    browser =
        Chromium.open(
            Chromium.executable().orElseThrow(),
            URI.create("https://127.0.0.1:" + hub.server().port() + "/browser/" + pageAndQuery),
            chromiumDir,
            chromium.logFile(),
            List.of("--ignore-certificate-errors"));
  }
}
