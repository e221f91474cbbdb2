package dev.herald.hub;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.server.HeraldServer;
import dev.herald.server.testing.SseRecorder;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a hub on a free loopback port before each test, with helpers to mint tokens and publish.
 */
public final class HubExtension implements BeforeEachCallback, AfterEachCallback {
  public static final String PUBLISHER_KEY = "publisher-key-publisher-key-publisher-key!";
  public static final String SUBSCRIBER_KEY = "subscriber-key-subscriber-key-subscriber-k!";

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final Consumer<Hub.Builder> hubOptions;
  private final Consumer<HeraldServer.Builder> serverOptions;
  private Hub hub;
  private HeraldServer server;

  public HubExtension(Consumer<Hub.Builder> hubOptions) {
    this(hubOptions, s -> {});
  }

  public HubExtension(
      Consumer<Hub.Builder> hubOptions, Consumer<HeraldServer.Builder> serverOptions) {
    this.hubOptions = hubOptions;
    this.serverOptions = serverOptions;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Hub.Builder builder =
        Hub.builder()
            .publisherKey(JwtKey.hmac(PUBLISHER_KEY))
            .subscriberKey(JwtKey.hmac(SUBSCRIBER_KEY));
    hubOptions.accept(builder);
    hub = builder.build();
    HeraldServer.Builder sb = HeraldServer.builder().host("127.0.0.1").port(0);
    serverOptions.accept(sb);
    server = hub.install(sb).build().start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
    if (hub != null) {
      hub.close();
    }
  }

  public Hub hub() {
    return hub;
  }

  public HeraldServer server() {
    return server;
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  /** Returns the subscribe URI for the topic selectors, with optional extra query text. */
  public URI subscribeUri(List<String> topics, String extraQuery) {
    StringBuilder q = new StringBuilder(Hub.PATH).append('?');
    for (String t : topics) {
      q.append("topic=").append(URLEncoder.encode(t, StandardCharsets.UTF_8)).append('&');
    }
    q.append(extraQuery);
    return uri(q.toString());
  }

  public static String token(String key, Map<String, Object> mercure, Instant expiresAt) {
    try {
      JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
      if (mercure != null) {
        claims.claim("mercure", mercure);
      }
      if (expiresAt != null) {
        claims.expirationTime(Date.from(expiresAt));
      }
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
      jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String publisherToken(String... selectors) {
    return token(PUBLISHER_KEY, Map.of("publish", List.of(selectors)), null);
  }

  public static String subscriberToken(String... selectors) {
    return token(SUBSCRIBER_KEY, Map.of("subscribe", List.of(selectors)), null);
  }

  /** Posts a form to the hub with a bearer token (null for none). */
  public HttpResponse<String> post(String bearer, Map<String, List<String>> form) throws Exception {
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, List<String>> e : form.entrySet()) {
      for (String v : e.getValue()) {
        if (body.length() > 0) {
          body.append('&');
        }
        body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(Hub.PATH))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Publishes one update with a token allowed to publish anything; returns the id. */
  public String publish(String topic, String data, String... more) throws Exception {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("topic", List.of(topic));
    form.put("data", List.of(data));
    for (int i = 0; i + 1 < more.length; i += 2) {
      form.put(more[i], List.of(more[i + 1]));
    }
    HttpResponse<String> response = post(publisherToken("*"), form);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "publish failed: " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  /** Publishes through the Java API to {@code https://example.com/foos/<id>}, with that id. */
  public Update publishFoo(String id, String data) {
    return hub.publish(Update.builder("https://example.com/foos/" + id).id(id).data(data).build());
  }

  /** Subscribes to {@code https://example.com/foos/{id}} with a {@code Last-Event-ID} header. */
  public SseRecorder resumeFoos(String lastEventId) {
    return SseRecorder.open(
        subscribeUri(List.of("https://example.com/foos/{id}"), ""), "Last-Event-ID", lastEventId);
  }

  public HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    if (headers.length > 0) {
      r.headers(headers);
    }
    return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }
}
