package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.RawHttp;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that pipelines more requests than the HTTP codec queues (128) is disconnected, and the
 * server says so in one log line without a stack trace. The log is what slf4j-simple, the test
 * logging backend, writes to {@code System.err}, which it looks up on every line.
 */
class PipelineDepthTest {
  /** Far more than the codec's depth of 128, in one write. */
  private static final int REQUESTS = 1000;

  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 200 ");

  @RegisterExtension
  final ServerExtension server = new ServerExtension(b -> b.get("/hello", r -> "hello"));

  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureLog() {
    originalErr = System.err;
    System.setErr(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLog() {
    System.setErr(originalErr);
    originalErr.print(log());
  }

  private String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  private List<String> connectionLines() {
    return Arrays.stream(log().split("\n")).filter(l -> l.contains("ConnectionHandler")).toList();
  }

  @Test
  void aClientPipeliningPastTheCodecsDepthIsDisconnectedWithOneLogLine() throws IOException {
    String requests = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".repeat(REQUESTS);
    try (RawHttp raw = new RawHttp(server.port())) {
      raw.send(requests);

      String answered = readUntilClosed(raw);

      assertThat(count(answered)).isLessThan(REQUESTS);
    }
    await().atMost(SseRecorder.TIMEOUT).until(() -> !connectionLines().isEmpty());
    assertThat(connectionLines())
        .singleElement(STRING)
        .contains("INFO")
        .contains("closing connection from /127.0.0.1:")
        .endsWith("maxPipelineDepth exceeded: 128");
    assertThat(log()).doesNotContain("\tat ").doesNotContain("Exception");
    // The server goes on serving.
    try (RawHttp raw = new RawHttp(server.port())) {
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(raw.readUntilClose()).startsWith("HTTP/1.1 200").endsWith("hello");
    }
  }

  /** Reads until the server closes the connection; fails if it is still open after the wait. */
  private static String readUntilClosed(RawHttp raw) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = raw.socket().getInputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) != -1) { // a read timeout fails the test
        all.write(buf, 0, n);
      }
    } catch (SocketException e) {
      // Reset: the server closed with requests still unread, as it should.
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  private static int count(String responses) {
    Matcher m = STATUS.matcher(responses);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
