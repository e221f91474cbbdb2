package dev.herald.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads HTTP/1.1 responses, one after the other, from one connection: status line, headers, and a
 * body framed by {@code Content-Length}, by chunks, or by the end of the connection. Keeps its own
 * buffer, so use one reader per connection and read only through it. Not thread-safe.
 */
public final class HttpReader {
  private static final int MAX_HEAD = 64 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[16 * 1024];
  private int pos;
  private int limit;

  public HttpReader(Socket socket) throws IOException {
    this(socket.getInputStream());
  }

  public HttpReader(InputStream in) {
    this.in = in;
  }

  /** A response as read from the wire. Header names keep their case; lookups ignore it. */
  public record RawResponse(
      String statusLine, int status, List<Map.Entry<String, String>> headerList, byte[] body) {

    /** Returns the first value of a header, if present. */
    public Optional<String> header(String name) {
      return headerList.stream()
          .filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst();
    }

    /** Returns every value of a header, one per header line, in order. */
    public List<String> headers(String name) {
      return headerList.stream()
          .filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .collect(Collectors.toList());
    }

    /** Returns every comma-separated element of a header's lines, trimmed, lower case. */
    public List<String> headerElements(String name) {
      List<String> elements = new ArrayList<>();
      for (String value : headers(name)) {
        for (String element : value.split(",")) {
          if (!element.isBlank()) {
            elements.add(element.trim().toLowerCase(Locale.ROOT));
          }
        }
      }
      return elements;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** Returns the whole response as text: status line, headers and body. */
    public String text() {
      StringBuilder text = new StringBuilder(statusLine).append("\r\n");
      for (Map.Entry<String, String> h : headerList) {
        text.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      return text.append("\r\n").append(bodyText()).toString();
    }
  }

  /** Reads the next complete response to a request other than HEAD. */
  public RawResponse response() throws IOException {
    return response(false);
  }

  /** Reads the next complete response; a response to HEAD has no body whatever its headers say. */
  public RawResponse response(boolean toHead) throws IOException {
    RawResponse head = head();
    if (toHead || head.status() / 100 == 1 || head.status() == 204 || head.status() == 304) {
      return head;
    }
    byte[] body;
    if (head.header("Transfer-Encoding")
        .map(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))
        .orElse(false)) {
      body = chunkedBody();
    } else if (head.header("Content-Length").isPresent()) {
      body = exactly(Integer.parseInt(head.header("Content-Length").get().trim()));
    } else {
      body = untilClose();
    }
    return new RawResponse(head.statusLine(), head.status(), head.headerList(), body);
  }

  /** Reads the status line and headers only; the body, if any, is left to read. */
  public RawResponse head() throws IOException {
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    int total = 0;
    String line;
    while (!(line = line()).isEmpty()) {
      total += line.length();
      if (total > MAX_HEAD) {
        throw new IOException("response head too large");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line: " + line);
      }
      headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
    }
    return new RawResponse(statusLine, status, List.copyOf(headers), new byte[0]);
  }

  /** Reads the next chunk of a chunked body; returns null after the last chunk and trailers. */
  public byte[] chunk() throws IOException {
    String sizeLine = line();
    int semicolon = sizeLine.indexOf(';');
    int size =
        Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
    if (size == 0) {
      while (!line().isEmpty()) {
        // trailers are not interesting here
      }
      return null;
    }
    byte[] data = exactly(size);
    if (!line().isEmpty()) {
      throw new IOException("chunk of " + size + " bytes not followed by CRLF");
    }
    return data;
  }

  /** Reads a whole chunked body, to its last chunk. */
  public byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] chunk;
    while ((chunk = chunk()) != null) {
      body.write(chunk, 0, chunk.length);
    }
    return body.toByteArray();
  }

  /**
   * Reads raw bytes until the text read contains {@code marker}, the connection ends, or the
   * timeout passes; returns what was read.
   */
  public String until(String marker, Duration timeout) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (pos == limit && !fill()) {
        break;
      }
      all.write(buf, pos, limit - pos);
      pos = limit;
      if (all.toString(StandardCharsets.UTF_8).contains(marker)) {
        break;
      }
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /**
   * Returns whether the peer ends the connection (FIN or reset) within the socket's read timeout,
   * discarding whatever else arrives first.
   */
  public boolean closedByPeer() throws IOException {
    pos = limit;
    try {
      while (fill()) {
        pos = limit;
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private byte[] untilClose() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    while (pos < limit || fill()) {
      all.write(buf, pos, limit - pos);
      pos = limit;
    }
    return all.toByteArray();
  }

  private byte[] exactly(int n) throws IOException {
    byte[] out = new byte[n];
    int done = 0;
    while (done < n) {
      if (pos == limit && !fill()) {
        throw new EOFException("connection ended after " + done + " of " + n + " body bytes");
      }
      int take = Math.min(n - done, limit - pos);
      System.arraycopy(buf, pos, out, done, take);
      pos += take;
      done += take;
    }
    return out;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      if (pos == limit && !fill()) {
        throw new EOFException(
            "connection ended inside a line: " + line.toString(StandardCharsets.UTF_8));
      }
      byte b = buf[pos++];
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      if (line.size() > MAX_HEAD) {
        throw new IOException("line too long");
      }
    }
  }

  /** Reads more bytes; false at the end of the stream or a reset after everything sent was read. */
  private boolean fill() throws IOException {
    int n;
    try {
      n = in.read(buf, 0, buf.length);
    } catch (SocketException e) {
      if (String.valueOf(e.getMessage()).contains("reset")) {
        return false;
      }
      throw e;
    }
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }
}
