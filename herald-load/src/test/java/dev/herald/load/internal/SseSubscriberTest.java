package dev.herald.load.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.sse.MessageEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives one {@link SseSubscriber} against a server on a plain socket, which this test writes to
 * byte by byte when it chooses, to check when a stream counts as open: on its {@code 200
 * text/event-stream} head, or {@link SseSubscriber#HEADLESS_OPEN_MILLIS} after the request if the
 * server holds its head back, but never for an error response.
 */
class SseSubscriberTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SSE_HEAD =
      "HTTP/1.1 200 OK\r\n"
          + "Content-Type: text/event-stream\r\n"
          + "Transfer-Encoding: chunked\r\n"
          + "\r\n";

  private final Recorder events = new Recorder();
  private final Client client = new Client(0);
  private ServerSocket server;
  private LoadClient netty;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    server.setSoTimeout((int) WAIT.toMillis());
    netty = new LoadClient(1, WAIT);
  }

  @AfterEach
  void stop() throws IOException {
    netty.close();
    server.close();
  }

  /** Connects the subscriber, accepts its connection and reads its whole request head. */
  private Socket subscribe() throws IOException {
    Endpoint endpoint =
        Endpoint.of(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hub"));
    client.connectStartNanos = Payload.now();
    netty.subscribe(endpoint, null, new SseSubscriber(client, endpoint, "t", null, events));
    Socket socket = server.accept();
    socket.setSoTimeout((int) WAIT.toMillis());
    assertThat(readHead(socket.getInputStream())).startsWith("GET /hub?topic=t HTTP/1.1\r\n");
    return socket;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.size() > 8192) {
        throw new IOException("no complete request head: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String chunk(String text) {
    return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length)
        + "\r\n"
        + text
        + "\r\n";
  }

  @Test
  void aServerHoldingBackItsHeadCountsAsOpenAfterOneSecondAndOnlyOnce() throws IOException {
    try (Socket socket = subscribe()) {
      // The server has written nothing: the stream opens on the timer alone.
      await().atMost(WAIT).until(() -> events.connected.get() == 1);
      assertThat(client.connectedNanos - client.connectStartNanos)
          .isGreaterThanOrEqualTo(
              TimeUnit.MILLISECONDS.toNanos(SseSubscriber.HEADLESS_OPEN_MILLIS));

      // Some servers send their head with the first event.
      write(socket, SSE_HEAD + chunk("id: 7\ndata: late\n\n"));
      await().atMost(WAIT).until(() -> events.received.size() == 1);
      assertThat(events.received.get(0).data()).isEqualTo("late");
      assertThat(client.lastEventId).isEqualTo("7");
      assertThat(events.connected).hasValue(1);

      socket.shutdownOutput(); // the server drops the stream mid-body
      await().atMost(WAIT).until(() -> events.closed.get() == 1);
      assertThat(events.failures).isEmpty();
      assertThat(events.connected).hasValue(1);
    }
  }

  @Test
  void aHeadArrivingFirstOpensTheStreamOnceAndTheTimerAddsNothing() throws IOException {
    try (Socket socket = subscribe()) {
      write(socket, SSE_HEAD);
      await().atMost(WAIT).until(() -> events.connected.get() == 1);

      // Well past the headless time-out, the stream is still counted once.
      await()
          .during(Duration.ofMillis(SseSubscriber.HEADLESS_OPEN_MILLIS + 500))
          .atMost(WAIT)
          .until(() -> events.connected.get() == 1 && events.failures.isEmpty());

      write(socket, chunk("data: one\n\n") + chunk("data: two\n\n"));
      await().atMost(WAIT).until(() -> events.received.size() == 2);
      assertThat(events.received).extracting(MessageEvent::data).containsExactly("one", "two");

      // The server ends the stream normally.
      write(socket, "0\r\n\r\n");
      await().atMost(WAIT).until(() -> events.closed.get() == 1);
      assertThat(events.failures).isEmpty();
    }
  }

  @Test
  void anErrorHeadWhoseBodyIsHeldBackNeverCountsAsOpen() throws IOException {
    try (Socket socket = subscribe()) {
      write(socket, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 13\r\n\r\n");

      await()
          .during(Duration.ofMillis(SseSubscriber.HEADLESS_OPEN_MILLIS + 500))
          .atMost(WAIT)
          .until(() -> events.connected.get() == 0 && events.failures.isEmpty());

      write(socket, "invalid token");
      await().atMost(WAIT).until(() -> events.failures.size() == 1);
      assertThat(events.failures).containsExactly("HTTP 401: invalid token");
      assertThat(events.connected).hasValue(0);
      assertThat(events.closed).hasValue(0);
    }
  }

  /** Records what the subscriber reports, from its event loop. */
  private static final class Recorder implements SubscriberEvents {
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<MessageEvent> received = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void connected(Client client) {
      connected.incrementAndGet();
    }

    @Override
    public void event(Client client, MessageEvent event) {
      received.add(event);
    }

    @Override
    public void failed(Client client, String reason) {
      failures.add(reason);
    }

    @Override
    public void closed(Client client) {
      closed.incrementAndGet();
    }
  }
}
