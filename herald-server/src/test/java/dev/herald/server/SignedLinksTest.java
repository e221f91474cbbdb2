package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.server.testing.ServerExtension;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Links signed with an expiry let a browser fetch a private export without any header. */
class SignedLinksTest {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final SignedLinks links = SignedLinks.create(KEY, new MovableClock(now));

  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(
          b ->
              b.get(
                  "/jobs/:id/export",
                  r ->
                      StreamableFile.of(
                              new ByteArrayInputStream(
                                  ("id,job\n1," + r.pathParam("id") + "\n")
                                      .getBytes(StandardCharsets.UTF_8)))
                          .contentType("text/csv; charset=utf-8")
                          .attachment("job-" + r.pathParam("id") + ".csv"),
                  links.guard()));

  @Test
  void aSignedLinkServesThePrivateExportWithoutAnyHeader() throws Exception {
    String link = links.sign("/jobs/42/export", Duration.ofMinutes(5));

    HttpResponse<String> response = get(link);

    assertThat(link)
        .startsWith("/jobs/42/export?expires=" + NOW.plusSeconds(300).getEpochSecond())
        .containsPattern("&signature=[A-Za-z0-9_-]{43}$");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("id,job\n1,42\n");
    assertThat(response.headers().firstValue("Cache-Control")).contains("private");
  }

  @Test
  void aSignedLinkKeepsItsQueryAndSignsIt() throws Exception {
    String link = links.sign("/jobs/42/export?format=csv&lines=10", Duration.ofMinutes(5));

    assertThat(link).startsWith("/jobs/42/export?format=csv&lines=10&expires=");
    assertThat(get(link).statusCode()).isEqualTo(200);
    assertThat(get(link.replace("lines=10", "lines=99")).statusCode()).isEqualTo(403);
    assertThat(get(link.replace("format=csv&", "")).statusCode()).isEqualTo(403);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "another path,       /jobs/42/export, /jobs/43/export",
    "a later expiry,     expires=1748779500, expires=1748779999",
    "another signature,  &signature=, &signature=A",
    "a parameter added,  ?expires=, ?admin=1&expires="
  })
  void aTamperedLinkIsForbidden(String change, String from, String to) throws Exception {
    String link = links.sign("/jobs/42/export", Duration.ofMinutes(5));
    assertThat(link).contains(from);

    HttpResponse<String> response = get(link.replace(from, to));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("invalid link signature\n");
  }

  @Test
  void aLinkWithAParameterAfterTheSignatureIsForbidden() throws Exception {
    String link = links.sign("/jobs/42/export", Duration.ofMinutes(5));

    HttpResponse<String> response = get(link + "&more=1");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("missing link signature\n");
  }

  @Test
  void anUnsignedLinkIsForbidden() throws Exception {
    HttpResponse<String> response = get("/jobs/42/export");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("missing link signature\n");
  }

  @Test
  void anExpiredLinkIsForbidden() throws Exception {
    String link = links.sign("/jobs/42/export", Duration.ofMinutes(5));
    now.set(NOW.plus(Duration.ofMinutes(5)));

    HttpResponse<String> response = get(link);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("link expired\n");
  }

  @Test
  void aLinkIsValidUntilItsLastSecond() {
    String link = links.sign("/jobs/42/export", Duration.ofMinutes(5));
    now.set(NOW.plus(Duration.ofMinutes(5)).minusMillis(1));

    links.verify(link);
  }

  @Test
  void aLinkSignedWithAnotherKeyIsForbidden() {
    SignedLinks other =
        SignedLinks.create("another key of thirty-two bytes!".getBytes(StandardCharsets.UTF_8));
    String link = other.sign("/jobs/42/export", Duration.ofMinutes(5));

    assertThatThrownBy(() -> links.verify(link))
        .isInstanceOf(HttpStatusException.class)
        .hasMessage("invalid link signature")
        .extracting(e -> ((HttpStatusException) e).status())
        .isEqualTo(403);
  }

  @Test
  void encodesWhatABrowserWouldEscapeSoTheLinkArrivesAsSigned() throws Exception {
    String link = links.sign("/jobs/rapport été/export?q=a b", Duration.ofMinutes(5));

    assertThat(link).startsWith("/jobs/rapport%20%C3%A9t%C3%A9/export?q=a%20b&expires=");
    assertThat(get(link).statusCode()).isEqualTo(200);
    links.verify("http://example.com" + link); // an absolute-form target names the same link
  }

  @Test
  void refusesWhatCannotBeSigned() {
    assertThatThrownBy(() -> SignedLinks.create(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key: 15 bytes (expected: >= 16)");
    assertThatThrownBy(() -> links.sign("jobs/1", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> links.sign("//evil.example/x", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> links.sign("/jobs/1#top", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> links.sign("/jobs/1?expires=9", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> links.sign("/jobs/1", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl: PT0S (expected: > 0)");
  }

  @Test
  void theKeyIsCopied() {
    byte[] key = KEY.clone();
    SignedLinks copied = SignedLinks.create(key, new MovableClock(now));
    String link = copied.sign("/x", Duration.ofMinutes(1));
    key[0] ^= 1;

    copied.verify(link);
  }

  private HttpResponse<String> get(String link) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + link)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A clock a test moves. */
  static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    MovableClock(AtomicReference<Instant> now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
