package dev.herald.sse.testing;

import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseParser;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The parser cases of the web-platform-tests {@code eventsource/format-*} tests, as vectors, for
 * herald-sse's parser tests and herald-client's tests over a socket.
 *
 * <p>Each WPT test opens an {@code EventSource} on a server script and checks what it dispatches. A
 * vector replays the bodies that script sends: {@code resources/message.py} answers {@code message
 * + ("" if newline=none else "\n\n") + "\n"}; {@code resources/last-event-id.py} answers {@code
 * "data: " + Last-Event-ID + "\n\n"} to a reconnection carrying that header, and otherwise {@code
 * "id: " + idvalue + "\nretry: 200\ndata: hello\n\n"} ({@code idvalue} defaults to U+2026); {@code
 * resources/last-event-id2.py} answers a fixed body per {@code type}. After a body ends the browser
 * reconnects, sending {@code Last-Event-ID} only when its last event id is not empty; a test does
 * the same (for the parser, with a new {@link SseParser} built with the previous one's {@link
 * SseParser#lastEventId()}). The connection and MIME-type cases are not the parser's concern and
 * are left out; the timing of {@code retry} is checked as the reported value.
 */
public final class WptVectors {
  private static final String LONG = "x".repeat(2 * 1024);

  private WptVectors() {}

  /** An event as WPT sees it. */
  public record Expected(String type, String data, String lastEventId) {
    public static Expected message(String data) {
      return new Expected(MessageEvent.DEFAULT_TYPE, data, "");
    }

    public static Expected message(String data, String lastEventId) {
      return new Expected(MessageEvent.DEFAULT_TYPE, data, lastEventId);
    }
  }

  /**
   * A WPT test: its server (the body for a {@code Last-Event-ID}, empty when none was sent), how
   * many connections it lets happen, the events it expects and the {@code retry} values reported.
   */
  public record Vector(
      String name,
      Function<String, String> server,
      int connections,
      List<Expected> events,
      List<Long> retries) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Returns every vector, in the order of the WPT file names. */
  public static Stream<Vector> all() {
    List<Vector> vectors = new ArrayList<>();
    vectors.add(
        messagePy(
            "format-bom.any.js",
            "\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3",
            false,
            List.of(Expected.message("1"), Expected.message("3"))));
    vectors.add(
        messagePy(
            "format-bom-2.any.js",
            "\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3",
            false,
            List.of(Expected.message("2"), Expected.message("3"))));
    vectors.add(
        messagePy(
            "format-comments.any.js",
            "data:1\r:\0\n:\r\ndata:2\n:" + LONG + "\rdata:3\n:data:fail\r:" + LONG + "\ndata:4\n",
            true,
            List.of(Expected.message("1\n2\n3\n4"))));
    vectors.add(
        new Vector(
            "format-data-before-final-empty-line.any.js",
            lastEventId -> "retry:1000\ndata:test1\n\nid:test\ndata:test2" + "\n",
            2,
            List.of(Expected.message("test1"), Expected.message("test1")),
            List.of(1000L, 1000L)));
    vectors.add(
        messagePy(
            "format-field-data.any.js",
            "data:\n\ndata\ndata\n\ndata:test",
            false,
            List.of(Expected.message(""), Expected.message("\n"), Expected.message("test"))));
    vectors.add(
        messagePy(
            "format-field-event.any.js",
            "event:test\ndata:x\n\ndata:x",
            false,
            List.of(new Expected("test", "x", ""), Expected.message("x"))));
    vectors.add(
        messagePy(
            "format-field-event-empty.any.js",
            "event: \ndata:data",
            false,
            List.of(Expected.message("data"))));
    vectors.add(
        new Vector(
            "format-field-id.any.js",
            lastEventIdPy("\u2026"),
            2,
            List.of(Expected.message("hello", "\u2026"), Expected.message("\u2026", "\u2026")),
            List.of(200L)));
    vectors.add(
        new Vector(
            "format-field-id-2.any.js",
            lastEventIdPy("\u2026"),
            3,
            List.of(
                Expected.message("hello", "\u2026"),
                Expected.message("\u2026", "\u2026"),
                Expected.message("\u2026", "\u2026")),
            List.of(200L)));
    for (String idValue : List.of("\0\0", "x\0", "\0x", "x\0x", " \0")) {
      vectors.add(
          new Vector(
              "format-field-id-null.window.js, idvalue " + escape(idValue),
              lastEventIdPy(idValue),
              2,
              List.of(Expected.message("hello"), Expected.message("hello")),
              List.of(200L, 200L)));
    }
    vectors.addAll(fieldId3());
    vectors.add(
        messagePy(
            "format-field-parsing.any.js",
            "data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n"
                + " data:32\ndata:4\n",
            true,
            List.of(Expected.message("\0\n 2\n1\n3\n\n4"))));
    vectors.add(retryVector("format-field-retry.any.js", "retry:03000\ndata:x", List.of(3000L)));
    vectors.add(
        retryVector(
            "format-field-retry-bogus.any.js", "retry:3000\nretry:1000x\ndata:x", List.of(3000L)));
    vectors.add(
        messagePy(
            "format-field-retry-empty.any.js",
            "retry\ndata:test",
            false,
            List.of(Expected.message("test"))));
    vectors.add(
        messagePy(
            "format-field-unknown.any.js",
            "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test",
            false,
            List.of(Expected.message("test\n\ntest"))));
    vectors.add(
        messagePy(
            "format-leading-space.any.js",
            "data:\ttest\rdata: \ndata:test",
            false,
            List.of(Expected.message("\ttest\n\ntest"))));
    vectors.add(
        messagePy(
            "format-newlines.any.js",
            "data:test\r\ndata\ndata:test\r\n\r",
            true,
            List.of(Expected.message("test\n\ntest"))));
    vectors.add(
        messagePy(
            "format-null-character.any.js", "data:\0\n\n", false, List.of(Expected.message("\0"))));
    vectors.add(
        messagePy(
            "format-utf-8.any.js", "data:ok\u2026", false, List.of(Expected.message("ok\u2026"))));
    return vectors.stream();
  }

  /** {@code format-field-id-3.window.js} with the three bodies of {@code last-event-id2.py}. */
  private static List<Vector> fieldId3() {
    return List.of(
        new Vector(
            "format-field-id-3.window.js, lastEventId persists",
            lastEventId -> "id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata:3\n\ndata:4\n\n",
            1,
            List.of(
                Expected.message("1", "1"),
                Expected.message("2", "1"),
                Expected.message("3", "2"),
                Expected.message("4", "2")),
            List.of()),
        new Vector(
            "format-field-id-3.window.js, lastEventId resets",
            lastEventId -> "id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n",
            1,
            List.of(Expected.message("1", "1"), Expected.message("2"), Expected.message("3")),
            List.of()),
        new Vector(
            "format-field-id-3.window.js, lastEventId resets (id without colon)",
            lastEventId -> "id: 1\ndata: 1\n\nid\ndata:2\n\ndata:3\n\n",
            1,
            List.of(Expected.message("1", "1"), Expected.message("2"), Expected.message("3")),
            List.of()));
  }

  private static Vector messagePy(
      String name, String message, boolean newlineNone, List<Expected> events) {
    String body = message + (newlineNone ? "" : "\n\n") + "\n";
    return new Vector(name, lastEventId -> body, 1, events, List.of());
  }

  private static Vector retryVector(String name, String message, List<Long> retries) {
    String body = message + "\n\n" + "\n";
    return new Vector(name, lastEventId -> body, 1, List.of(Expected.message("x")), retries);
  }

  private static Function<String, String> lastEventIdPy(String idValue) {
    return lastEventId ->
        lastEventId.isEmpty()
            ? "id: " + idValue + "\nretry: 200\ndata: hello\n\n"
            : "data: " + lastEventId + "\n\n";
  }

  private static String escape(String value) {
    return value
        .chars()
        .mapToObj(c -> c == 0 ? "\\0" : Character.toString(c))
        .collect(Collectors.joining("", "\"", "\""));
  }
}
