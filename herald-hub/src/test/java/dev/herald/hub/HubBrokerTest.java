package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's side of the {@link Broker} SPI, with two hubs on a shared in-process log whose delivery
 * is asynchronous (as a cluster broker's is): 503s, readiness, resume on an instance that has not
 * read the update yet.
 */
class HubBrokerTest {
  private static final String TOPIC = "https://example.com/a";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final SharedLog log = new SharedLog();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** An ordered log shared by the brokers of several hubs; it can be taken down. */
  static final class SharedLog {
    private final List<Update> entries = new ArrayList<>();
    private boolean up = true;

    synchronized int append(Update update) {
      if (!up) {
        throw new BrokerUnavailableException("log down");
      }
      int held = indexOf(update.id());
      if (held >= 0) {
        return held;
      }
      entries.add(update);
      notifyAll();
      return entries.size() - 1;
    }

    synchronized int indexOf(String id) {
      if (!up) {
        throw new BrokerUnavailableException("log down");
      }
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).id().equals(id)) {
          return i;
        }
      }
      return -1;
    }

    synchronized Update await(int index) throws InterruptedException {
      while (entries.size() <= index) {
        wait();
      }
      return entries.get(index);
    }

    synchronized void up(boolean up) {
      this.up = up;
    }

    synchronized boolean isUp() {
      return up;
    }
  }

  /** One hub's broker: a thread delivers the shared log in order; it can be held back. */
  static final class LogBroker implements Broker {
    private final SharedLog log;
    private final Thread reader = new Thread(this::read, "log-broker");
    private volatile Broker.Sink sink;
    private int delivered = -1; // guarded by this
    private boolean held; // guarded by this
    private int waiting; // guarded by this: catch-ups waiting for delivery

    LogBroker(SharedLog log) {
      this.log = log;
      reader.setDaemon(true);
    }

    @Override
    public void start(Broker.Sink sink) {
      this.sink = sink;
      reader.start();
    }

    private void read() {
      try {
        for (int i = 0; ; i++) {
          Update update = log.await(i);
          synchronized (this) {
            while (held) {
              wait();
            }
          }
          sink.deliver(update, true);
          synchronized (this) {
            delivered = i;
            notifyAll();
          }
        }
      } catch (InterruptedException e) {
        // closed
      }
    }

    synchronized void hold(boolean held) {
      this.held = held;
      notifyAll();
    }

    private synchronized boolean awaitDelivered(int index) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      waiting++;
      try {
        while (delivered < index && System.nanoTime() < deadline) {
          wait(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waiting--;
      }
      return delivered >= index;
    }

    synchronized int waiting() {
      return waiting;
    }

    @Override
    public boolean publish(Update update, boolean generatedId) {
      int index = log.append(update);
      awaitDelivered(index);
      return true;
    }

    @Override
    public boolean catchUp(String id) {
      int index = log.indexOf(id);
      return index >= 0 && awaitDelivered(index);
    }

    @Override
    public boolean available() {
      return log.isUp();
    }

    @Override
    public void close() {
      reader.interrupt();
    }
  }

  private record Instance(Hub hub, HeraldServer server, LogBroker broker) {
    URI uri(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    SseRecorder subscribe(String lastEventId) {
      URI uri = uri(Hub.PATH + "?topic=" + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8));
      return lastEventId == null
          ? SseRecorder.open(uri)
          : SseRecorder.open(uri, "Last-Event-ID", lastEventId);
    }

    HttpResponse<String> post(String data) throws Exception {
      return HTTP.send(
          HttpRequest.newBuilder(uri(Hub.PATH))
              .header("Authorization", "Bearer " + HubExtension.publisherToken("*"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "topic="
                          + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8)
                          + "&data="
                          + data))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private Instance instance() {
    LogBroker broker = new LogBroker(log);
    Hub hub =
        Hub.builder().publisherKey(JwtKey.hmac(HubExtension.PUBLISHER_KEY)).broker(broker).build();
    HeraldServer server =
        hub.install(HeraldServer.builder().host("127.0.0.1").port(0)).build().start();
    toClose.add(hub);
    toClose.add(() -> server.stop(Duration.ofSeconds(5)));
    return new Instance(hub, server, broker);
  }

  @Test
  void anUpdatePublishedOnOneHubReachesTheSubscribersOfAnother() throws Exception {
    Instance a = instance();
    Instance b = instance();
    SseRecorder onB = b.subscribe(null);
    toClose.add(onB);
    assertThat(onB.status()).isEqualTo(200);
    HttpResponse<String> response = a.post("hello");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(onB.next().id()).isEqualTo(response.body());
  }

  @Test
  void anUnavailableBrokerMakesPublishingAnswer503AndTheHubNotReady() throws Exception {
    Instance a = instance();
    assertThat(a.hub().ready()).isTrue();
    log.up(false);
    assertThat(a.hub().ready()).isFalse();
    HttpResponse<String> response = a.post("refused");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(response.body()).isEqualToIgnoringNewLines("hub unavailable, try again");
    assertThatThrownBy(() -> a.hub().publish(Update.builder(TOPIC).build()))
        .isInstanceOf(BrokerUnavailableException.class);
    SseRecorder unknown = a.subscribe("urn:example:unknown");
    toClose.add(unknown);
    assertThat(unknown.status()).isEqualTo(503);
    log.up(true);
    assertThat(a.post("accepted").statusCode()).isEqualTo(200);
  }

  @Test
  void aResumeOnAHubThatHasNotReadTheIdYetWaitsForItInsteadOfAnsweringEarliest() throws Exception {
    Instance a = instance();
    Instance b = instance();
    String first = a.hub().publish(Update.builder(TOPIC).data("1").build()).id();
    b.broker().hold(true);
    String second = a.hub().publish(Update.builder(TOPIC).data("2").build()).id();
    String third = a.hub().publish(Update.builder(TOPIC).data("3").build()).id();

    SseRecorder resumed = b.subscribe(second);
    toClose.add(resumed);
    await().atMost(WAIT).until(() -> b.broker().waiting() == 1);
    b.broker().hold(false);

    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.headers().firstValue("Last-Event-ID")).hasValue(second);
    assertThat(resumed.next().id()).isEqualTo(third);
    SseRecorder all = b.subscribe("earliest");
    toClose.add(all);
    assertThat(List.of(all.next().id(), all.next().id(), all.next().id()))
        .containsExactly(first, second, third);
  }
}
