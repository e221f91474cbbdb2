package dev.herald.sse;

import org.jspecify.annotations.Nullable;

/**
 * Interprets the lines of an event stream (WHATWG HTML §9.2.6): fills the data, event type and last
 * event id buffers, and dispatches events to the listener. Used by one {@link SseParser}, which
 * splits the stream into lines; not thread-safe.
 */
final class EventInterpreter {
  private static final byte LF = '\n';
  private static final byte COLON = ':';
  private static final byte SPACE = ' ';
  private static final byte NUL = 0;
  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final byte[] ID = {'i', 'd'};
  private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};

  private final SseListener listener;
  private final int maxEventSize;

  // Written by the thread currently feeding the parser.
  private final ByteBuilder data = new ByteBuilder();
  private @Nullable String type;
  private String idBuffer;
  private String lastEventId;

  EventInterpreter(SseListener listener, int maxEventSize, String lastEventId) {
    this.listener = listener;
    this.maxEventSize = maxEventSize;
    this.idBuffer = lastEventId;
    this.lastEventId = lastEventId;
  }

  String lastEventId() {
    return lastEventId;
  }

  /** Discards the incomplete event: its data, type and uncommitted id. */
  void discard() {
    data.release();
    type = null;
    idBuffer = lastEventId;
  }

  /** Interprets the line {@code bytes[start, end)}, without its line end. */
  void processLine(byte[] bytes, int start, int end) {
    if (start == end) {
      dispatch();
      return;
    }
    int colon = indexOf(bytes, start, end, COLON);
    int nameEnd = colon < 0 ? end : colon;
    int valueStart = colon < 0 ? end : colon + 1;
    if (valueStart < end && bytes[valueStart] == SPACE) {
      valueStart++;
    }
    if (colon == start) {
      listener.onComment(Utf8.decode(bytes, valueStart, end - valueStart));
    } else {
      processField(bytes, start, nameEnd, valueStart, end);
    }
  }

  private void processField(byte[] bytes, int nameStart, int nameEnd, int valueStart, int end) {
    int valueLength = end - valueStart;
    if (nameIs(DATA, bytes, nameStart, nameEnd)) {
      appendData(bytes, valueStart, valueLength);
    } else if (nameIs(EVENT, bytes, nameStart, nameEnd)) {
      type = valueLength == 0 ? null : Utf8.decode(bytes, valueStart, valueLength);
    } else if (nameIs(ID, bytes, nameStart, nameEnd)) {
      if (indexOf(bytes, valueStart, end, NUL) < 0) {
        idBuffer = Utf8.decode(bytes, valueStart, valueLength);
      }
    } else if (nameIs(RETRY, bytes, nameStart, nameEnd)) {
      long millis = parseRetry(bytes, valueStart, end);
      if (millis >= 0) {
        listener.onRetry(millis);
      }
    }
  }

  private void appendData(byte[] bytes, int offset, int count) {
    // The LF after each line counts, except the last one, which dispatch removes.
    if ((long) data.length() + count > maxEventSize) {
      throw new SseParseException("event data exceeds maxEventSize: " + maxEventSize + " bytes");
    }
    data.append(bytes, offset, count);
    data.append(LF);
  }

  private void dispatch() {
    lastEventId = idBuffer;
    String eventType = type;
    type = null;
    if (data.length() == 0) {
      return;
    }
    String text = Utf8.decode(data.array(), 0, data.length() - 1);
    data.clear();
    listener.onEvent(
        MessageEvent.parsed(text, lastEventId.isEmpty() ? null : lastEventId, eventType));
  }

  /** Returns the value if it is one or more ASCII digits and fits a long, or else -1. */
  private static long parseRetry(byte[] bytes, int start, int end) {
    if (start == end) {
      return -1;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static boolean nameIs(byte[] name, byte[] bytes, int start, int end) {
    if (end - start != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (bytes[start + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, int start, int end, byte b) {
    for (int i = start; i < end; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
