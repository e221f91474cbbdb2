package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.Tls;
import dev.herald.server.internal.SelfSignedCertificates;
import dev.herald.server.testing.SseRecorder;
import dev.herald.server.testing.TestTls;
import dev.herald.sse.MessageEvent;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code herald serve} with TLS in its own JVM and talks HTTP/2 to it. */
class ServeTlsTest {
  private static final String TOPIC = "https://example.com/books/1";
  private static final String TOKEN_LINE =
      "Development token (publish and subscribe to everything): ";

  @TempDir Path dir;

  @RegisterExtension final Heralds heralds = new Heralds();

  @Test
  void servesHttp2OverTlsWithCertificateFiles() throws Exception {
    SelfSignedCertificates.Pem pem = SelfSignedCertificates.generate();
    Path cert = Files.write(dir.resolve("cert.pem"), pem.certificate());
    Path key = Files.write(dir.resolve("key.pem"), pem.privateKey());
    HeraldProcess herald =
        heralds.start(
            Map.of(),
            "serve",
            "--port",
            "0",
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString());

    String token = token(herald.awaitListening());
    assertThat(herald.uri("/").getScheme()).isEqualTo("https");
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(TestTls.trusting(Tls.fromPem(cert, key)))
            .build();
    assertPublishesAndSubscribesOverHttp2(herald, client, token);
  }

  @Test
  void servesASelfSignedCertificateWhenTheEnvironmentAsks() throws Exception {
    HeraldProcess herald =
        heralds.start(Map.of("HERALD_TLS_SELF_SIGNED", "true"), "serve", "--port", "0");

    String token = token(herald.awaitListening());
    assertThat(herald.uri("/").getScheme()).isEqualTo("https");
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new X509TrustManager[] {new TrustAll()}, null);
    HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustAll).build();
    assertPublishesAndSubscribesOverHttp2(herald, client, token);
  }

  @Test
  void aCertificateWithoutItsKeyIsAnInvalidOption() throws Exception {
    Path cert =
        Files.write(dir.resolve("cert.pem"), SelfSignedCertificates.generate().certificate());
    HeraldProcess herald =
        heralds.start(Map.of(), "serve", "--port", "0", "--tls-cert", cert.toString());

    int code = herald.awaitExit();

    assertThat(code).as("exit code; stderr %s", herald.stderr()).isEqualTo(2);
    assertThat(herald.stderr()).anyMatch(line -> line.contains("--tls-cert needs --tls-key"));
  }

  @Test
  void aKeyFileWithoutAKeyIsAnInvalidOption() throws Exception {
    SelfSignedCertificates.Pem pem = SelfSignedCertificates.generate();
    Path cert = Files.write(dir.resolve("cert.pem"), pem.certificate());
    HeraldProcess herald =
        heralds.start(
            Map.of(),
            "serve",
            "--port",
            "0",
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            cert.toString());

    int code = herald.awaitExit();

    assertThat(code).as("exit code; stderr %s", herald.stderr()).isEqualTo(2);
    assertThat(herald.stderr()).anyMatch(line -> line.contains("--tls-cert/--tls-key: "));
  }

  private static String token(List<String> linesBeforeListening) {
    return linesBeforeListening.stream()
        .filter(line -> line.startsWith(TOKEN_LINE))
        .map(line -> line.substring(TOKEN_LINE.length()))
        .findFirst()
        .orElseThrow();
  }

  private void assertPublishesAndSubscribesOverHttp2(
      HeraldProcess herald, HttpClient client, String token) throws Exception {
    SseRecorder subscriber =
        SseRecorder.open(client, herald.subscribeUri(TOPIC), "Authorization", "Bearer " + token);
    heralds.closeAfter(subscriber);
    assertThat(subscriber.status()).isEqualTo(200);
    assertThat(subscriber.head().version()).isEqualTo(HttpClient.Version.HTTP_2);

    String form =
        "topic="
            + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8)
            + "&data="
            + URLEncoder.encode("{\"price\":10}", StandardCharsets.UTF_8);
    HttpResponse<String> published =
        client.send(
            HttpRequest.newBuilder(herald.uri(HeraldProcess.HUB_PATH))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(published.statusCode()).isEqualTo(200);
    assertThat(published.version()).isEqualTo(HttpClient.Version.HTTP_2);

    MessageEvent event = subscriber.next();
    assertThat(event.id()).isEqualTo(published.body());
    assertThat(event.dataString()).isEqualTo("{\"price\":10}");
  }

  /** Trusts any server: the certificate a development server makes for itself is unknown here. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
