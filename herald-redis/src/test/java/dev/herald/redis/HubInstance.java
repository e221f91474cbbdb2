package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
import dev.herald.server.HeraldServer;
import dev.herald.server.testing.SseRecorder;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** One hub instance on a Redis broker, served on a free loopback port, with test helpers. */
final class HubInstance implements AutoCloseable {
  static final String KEY = "publisher-key-publisher-key-publisher-key!";
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final RedisBroker broker;
  private final Hub hub;
  private final HeraldServer server;
  private final List<SseRecorder> clients = new ArrayList<>();

  private HubInstance(RedisBroker broker, Hub hub, HeraldServer server) {
    this.broker = broker;
    this.hub = hub;
    this.server = server;
  }

  /** Starts an instance on the Redis at {@code uri}; subscribers need no token. */
  static HubInstance start(
      String uri, Consumer<RedisBroker.Builder> brokerOptions, Consumer<Hub.Builder> hubOptions) {
    RedisBroker.Builder b = RedisBroker.builder(uri).timeout(Duration.ofSeconds(2));
    brokerOptions.accept(b);
    RedisBroker broker = b.build();
    Hub.Builder h = Hub.builder().publisherKey(JwtKey.hmac(KEY)).broker(broker);
    hubOptions.accept(h);
    Hub hub = h.build();
    HeraldServer server =
        hub.install(HeraldServer.builder().host("127.0.0.1").port(0)).build().start();
    return new HubInstance(broker, hub, server);
  }

  static HubInstance start(String uri) {
    return start(uri, b -> {}, h -> {});
  }

  RedisBroker broker() {
    return broker;
  }

  Hub hub() {
    return hub;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  /** Opens a stream on this instance; {@code lastEventId} may be null. */
  SseRecorder subscribe(String topic, String lastEventId) throws Exception {
    URI uri = uri(Hub.PATH + "?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8));
    SseRecorder client =
        lastEventId == null
            ? SseRecorder.open(uri)
            : SseRecorder.open(uri, "Last-Event-ID", lastEventId);
    clients.add(client);
    return client;
  }

  /** Posts an update over HTTP; returns the response. */
  HttpResponse<String> post(String topic, String data, String id) throws Exception {
    String form =
        "topic="
            + URLEncoder.encode(topic, StandardCharsets.UTF_8)
            + "&data="
            + URLEncoder.encode(data, StandardCharsets.UTF_8)
            + (id == null ? "" : "&id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri(Hub.PATH))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Publishes over HTTP, asserts a 200, and returns the id. */
  String publish(String topic, String data) throws Exception {
    HttpResponse<String> response = post(topic, data, null);
    assertThat(response.statusCode()).as("publish: %s", response.body()).isEqualTo(200);
    return response.body();
  }

  private static String token() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .claim("mercure", Map.of("publish", List.of("*"), "subscribe", List.of("*")))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(KEY.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  /** Reads {@code count} events' ids from a client, in order. */
  static List<String> ids(SseRecorder client, int count) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(client.next().id());
    }
    return ids;
  }

  @Override
  public void close() {
    for (SseRecorder client : clients) {
      client.close();
    }
    server.stop(Duration.ofSeconds(5));
    hub.close();
  }
}
