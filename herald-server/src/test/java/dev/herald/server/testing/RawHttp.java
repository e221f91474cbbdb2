package dev.herald.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain socket to the server, for what a well-behaved client never sends: malformed requests,
 * abrupt closes, a client that stops reading.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;

  public RawHttp(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout((int) SseRecorder.TIMEOUT.toMillis());
  }

  public Socket socket() {
    return socket;
  }

  public RawHttp send(String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** Reads until the server closes the connection (or the timeout) and returns it all. */
  public String readUntilClose() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) != -1) {
        all.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // what was read so far is the answer
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /** Reads until the text contains {@code marker}, or the timeout passes. */
  public String readUntil(String marker, Duration timeout) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[8192];
    while (System.nanoTime() < deadline) {
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        break;
      }
      if (n == -1) {
        break;
      }
      all.write(buf, 0, n);
      if (all.toString(StandardCharsets.UTF_8).contains(marker)) {
        break;
      }
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /** Closes with a TCP reset instead of a FIN. */
  public void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
