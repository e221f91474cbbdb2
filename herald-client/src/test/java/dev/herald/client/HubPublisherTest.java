package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HubPublisher's form, authorization and retries, against a scripted hub. */
class HubPublisherTest {
  @RegisterExtension final Scripted scripted = new Scripted();

  private ScriptServer hub(ScriptServer.Script script) {
    return scripted.server(script);
  }

  private static HubPublisher.Builder publisher(URI uri) {
    return HubPublisher.builder(uri).retryDelay(Duration.ofMillis(10));
  }

  static Map<String, List<String>> form(String body) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return form;
  }

  /** Answers like a hub: 200 with the id it was sent. */
  private static void accept(ScriptServer.Exchange x) {
    x.reply(200, form(x.body).get("id").get(0), "content-type", "text/plain");
  }

  @Test
  void postsTheFormWithTheToken() throws Exception {
    ScriptServer server = hub(HubPublisherTest::accept);
    AtomicInteger tokens = new AtomicInteger();
    String id =
        publisher(server.uri("/.well-known/mercure"))
            .token(() -> "jwt-" + tokens.incrementAndGet())
            .build()
            .publish(
                Publication.builder("https://a/1", "https://a/{id}")
                    .data("x=1&y=2 + \u00e9\nnext")
                    .privateUpdate(true)
                    .type("change")
                    .retry(Duration.ofSeconds(2))
                    .build());

    ScriptServer.Exchange x = server.exchange(0);
    assertThat(x.method).isEqualTo("POST");
    assertThat(x.header("Authorization")).isEqualTo("Bearer jwt-1");
    assertThat(x.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    Map<String, List<String>> form = form(x.body);
    assertThat(form.get("topic")).containsExactly("https://a/1", "https://a/{id}");
    assertThat(form.get("data")).containsExactly("x=1&y=2 + \u00e9\nnext");
    assertThat(form.get("private")).containsExactly("on");
    assertThat(form.get("type")).containsExactly("change");
    assertThat(form.get("retry")).containsExactly("2000");
    assertThat(form.get("id").get(0)).startsWith("urn:uuid:").isEqualTo(id);
  }

  @Test
  void retriesA5xxWithTheSameIdAndAFreshToken() throws Exception {
    ScriptServer server =
        hub(
            x -> {
              if (x.index == 0) {
                x.reply(502, "bad gateway");
              } else {
                accept(x);
              }
            });
    AtomicInteger tokens = new AtomicInteger();

    String id =
        publisher(server.uri("/hub"))
            .token(() -> "jwt-" + tokens.incrementAndGet())
            .build()
            .publish(Publication.of("https://a/1", "hello"));

    assertThat(server.exchanges()).hasSize(2);
    assertThat(form(server.exchange(0).body).get("id")).containsExactly(id);
    assertThat(form(server.exchange(1).body).get("id")).containsExactly(id);
    assertThat(server.exchange(1).header("Authorization")).isEqualTo("Bearer jwt-2");
  }

  @Test
  void retriesALostResponseWithTheSameId() throws Exception {
    ScriptServer server =
        hub(
            x -> {
              if (x.index == 0) {
                x.abort(); // the update may have been taken; the answer is lost
              } else {
                accept(x);
              }
            });

    String id =
        publisher(server.uri("/hub"))
            .build()
            .publish(Publication.builder("https://a/1").id("urn:example:once").build());

    assertThat(id).isEqualTo("urn:example:once");
    assertThat(server.exchanges())
        .extracting(x -> form(x.body).get("id").get(0))
        .containsExactly("urn:example:once", "urn:example:once");
  }

  @Test
  void honoursRetryAfter() throws Exception {
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    ScriptServer server =
        hub(
            x -> {
              arrivals.add(System.nanoTime());
              if (x.index == 0) {
                x.reply(503, "busy", "retry-after", "1");
              } else {
                accept(x);
              }
            });

    publisher(server.uri("/hub")).build().publish(Publication.of("https://a/1", "x"));

    assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void doesNotRetryAClientError() {
    ScriptServer server = hub(x -> x.reply(400, "Missing \"topic\" parameter"));

    assertThatThrownBy(
            () -> publisher(server.uri("/hub")).build().publish(Publication.of("https://a/1", "x")))
        .isInstanceOfSatisfying(
            PublishException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e).hasMessage("hub answered 400: Missing \"topic\" parameter");
            });
    assertThat(server.exchanges()).hasSize(1);
  }

  @Test
  void givesUpAfterMaxAttempts() {
    ScriptServer server = hub(x -> x.reply(500, "oops"));

    assertThatThrownBy(
            () ->
                publisher(server.uri("/hub"))
                    .maxAttempts(4)
                    .build()
                    .publishAsync(Publication.of("https://a/1", "x"))
                    .join())
        .hasCauseInstanceOf(PublishException.class)
        .hasMessageContaining("hub answered 500: oops (after 4 attempts)");
    assertThat(server.exchanges()).hasSize(4);
  }

  @Test
  void aConnectionRefusedFailsAfterMaxAttempts() throws Exception {
    ScriptServer server = ScriptServer.start(HubPublisherTest::accept);
    URI uri = server.uri("/hub");
    server.close();

    assertThatThrownBy(
            () -> publisher(uri).maxAttempts(2).build().publish(Publication.of("https://a/1", "x")))
        .isInstanceOfSatisfying(
            PublishException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e).hasMessageContaining("(after 2 attempts)");
              assertThat(e.getCause()).isInstanceOf(java.net.ConnectException.class);
            });
  }

  @Test
  void publicationValidatesItsFields() {
    assertThatThrownBy(() -> Publication.builder("t").id("#x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: #x (expected: not empty and not starting with #)");
    assertThatThrownBy(() -> Publication.builder("t").type("a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Publication.builder("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Publication.of("t", "d").withId("i").toBuilder().build())
        .isEqualTo(Publication.builder("t").data("d").id("i").build());
  }
}
