package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.hub.Hub;
import dev.herald.hub.JwtKey;
import dev.herald.hub.Update;
import dev.herald.server.HeraldServer;
import dev.herald.sse.MessageEvent;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the real Herald hub: publish with HubPublisher, receive with EventSource. */
class HubInteropTest {
  private static final String PUBLISHER_KEY = "publisher-key-publisher-key-publisher-key!";
  private static final String SUBSCRIBER_KEY = "subscriber-key-subscriber-key-subscriber-k!";
  private static final String TOPIC = "https://example.com/books/1";

  private Hub hub;
  private HeraldServer server;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeEach
  void startHub() {
    hub =
        Hub.builder()
            .publisherKey(JwtKey.hmac(PUBLISHER_KEY))
            .subscriberKey(JwtKey.hmac(SUBSCRIBER_KEY))
            .build();
    server = startServer(0);
  }

  @AfterEach
  void stopHub() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    server.stop(Duration.ofSeconds(5));
    hub.close();
  }

  private HeraldServer startServer(int port) {
    return hub.install(HeraldServer.builder().host("127.0.0.1").port(port)).build().start();
  }

  private URI hubUrl() {
    return URI.create("http://127.0.0.1:" + server.port() + Hub.PATH);
  }

  private URI subscribeUri(String topic) {
    return URI.create(hubUrl() + "?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8));
  }

  private static String token(String key, Map<String, Object> mercure) {
    try {
      JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("mercure", mercure).build();
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HubPublisher publisher() {
    return HubPublisher.builder(hubUrl())
        .token(() -> token(PUBLISHER_KEY, Map.of("publish", List.of("*"))))
        .build();
  }

  private EventSource subscriber(String topic) {
    EventSource source =
        EventSource.builder(subscribeUri(topic))
            .token(() -> token(SUBSCRIBER_KEY, Map.of("subscribe", List.of("*"))))
            .reconnectTime(Duration.ofMillis(50))
            .maxReconnectTime(Duration.ofMillis(500))
            .build();
    resources.add(source);
    return source;
  }

  @Test
  void publishedUpdatesReachTheSubscriberWithTheirIds() throws Exception {
    EventSource source = subscriber(TOPIC);
    Recorder recorder = Recorder.on(source);
    source.start();
    recorder.opened();

    HubPublisher publisher = publisher();
    String generated = publisher.publish(Publication.of(TOPIC, "{\"price\":10}"));
    String chosen =
        publisher.publish(
            Publication.builder(TOPIC, "https://example.com/books")
                .data("line 1\nline 2 & more=yes")
                .id("urn:example:42")
                .type("price")
                .retry(Duration.ofMillis(1234))
                .build());

    assertThat(generated).startsWith("urn:uuid:");
    assertThat(chosen).isEqualTo("urn:example:42");
    MessageEvent first = recorder.event("{\"price\":10}");
    assertThat(first.id()).isEqualTo(generated);
    MessageEvent second = recorder.event("line 1\nline 2 & more=yes");
    assertThat(second.id()).isEqualTo(chosen);
    assertThat(second.type()).isEqualTo("price");
    assertThat(source.reconnectTime()).isEqualTo(Duration.ofMillis(1234));
    assertThat(source.lastEventId()).isEqualTo(chosen);
  }

  @Test
  void resumesAfterADisconnectWithoutGapOrDuplicate() throws Exception {
    EventSource source = subscriber(TOPIC);
    Recorder recorder = Recorder.on(source);
    source.start();
    recorder.opened();
    HubPublisher publisher = publisher();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ids.add(publisher.publish(Publication.of(TOPIC, "update " + i)));
    }
    for (int i = 1; i <= 3; i++) {
      recorder.event("update " + i);
    }

    // The hub's server goes away; updates keep coming into the hub meanwhile.
    int port = server.port();
    server.stop(Duration.ofSeconds(5));
    for (int i = 4; i <= 6; i++) {
      ids.add(hub.publish(Update.builder(TOPIC).data("update " + i).build()).id());
    }
    server = startServer(port);

    Recorder.Record r;
    do {
      r = recorder.next();
    } while (r instanceof Recorder.Failed);
    assertThat(r).isInstanceOf(Recorder.Opened.class);
    ids.add(publisher.publish(Publication.of(TOPIC, "update 7")));
    for (int i = 4; i <= 7; i++) {
      assertThat(recorder.event("update " + i).id()).isEqualTo(ids.get(i - 1));
    }
    recorder.assertEmpty();
  }

  @Test
  void privateUpdatesNeedAMatchingSubscriberToken() throws Exception {
    EventSource source = subscriber(TOPIC);
    Recorder recorder = Recorder.on(source);
    source.start();
    recorder.opened();

    publisher().publish(Publication.builder(TOPIC).data("secret").privateUpdate(true).build());

    recorder.event("secret");
  }

  @Test
  void aRefusedPublicationFailsWithTheHubsStatus() {
    HubPublisher publisher =
        HubPublisher.builder(hubUrl())
            .token(() -> token(PUBLISHER_KEY, Map.of("publish", List.of("https://other/*"))))
            .build();

    assertThatThrownBy(() -> publisher.publish(Publication.of(TOPIC, "x")))
        .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void publishAsyncCompletesWithTheId() throws Exception {
    CompletableFuture<String> id =
        publisher().publishAsync(Publication.builder(TOPIC).id("urn:example:async").build());

    assertThat(id.get()).isEqualTo("urn:example:async");
    assertThat(hub.lastEventId()).isEqualTo("urn:example:async");
  }
}
