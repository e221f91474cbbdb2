package dev.herald.sse;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Parses a {@code text/event-stream} incrementally, as the WHATWG HTML standard defines it (§9.2.5
 * "Parsing an event stream", §9.2.6 "Interpreting an event stream"), and reports events, comments
 * and reconnection times to an {@link SseListener}.
 *
 * <p>Feed the bytes of one response body, in chunks of any size, with {@link #feed(byte[], int,
 * int)} or {@link #feed(ByteBuffer)}, then call {@link #end()}. The parser strips one UTF-8 byte
 * order mark at the start of the body, ends lines at CRLF, LF or CR (a CRLF split between two
 * chunks is one line end, and an event is dispatched without waiting for the byte after a CR), and
 * decodes each line as UTF-8, replacing invalid bytes with U+FFFD. Use a new parser for each
 * response body; when reconnecting, build it with {@link Builder#lastEventId(String)} set to the
 * previous parser's {@link #lastEventId()}.
 *
 * <p>Memory is bounded by two limits: the length of a line ({@link #DEFAULT_MAX_LINE_LENGTH} bytes
 * by default) and the size of an event's data ({@link #DEFAULT_MAX_EVENT_SIZE} bytes by default).
 * Past either, {@code feed} throws an {@link SseParseException}. Once {@code feed} has thrown, for
 * that or any other reason (such as an exception from the listener), the parser is unusable.
 *
 * <p>Instances are not thread-safe: feed each from one thread at a time.
 */
public final class SseParser {
  /** The default limit of a line's length, in bytes, without its line end: 16 MiB. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

  /** The default limit of an event's data, in UTF-8 bytes: 16 MiB. */
  public static final int DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final int SCRATCH_SIZE = 8192;

  private enum State {
    /** At the start of the stream: matching a byte order mark, possibly split across chunks. */
    BOM,
    /** Inside a line, or at the start of one. */
    LINE,
    /** Just after a CR that ended a line: an LF next is part of that line end. */
    AFTER_CR,
    /** {@link #end()} was called. */
    ENDED,
    /** A call threw: the state of the stream is unknown. */
    FAILED
  }

  private final int maxLineLength;
  private final EventInterpreter interpreter;

  // All mutable state is written by the thread currently feeding the parser.
  private State state = State.BOM;
  private int bomMatched;
  private final ByteBuilder line = new ByteBuilder();
  private byte @Nullable [] scratch;

  private SseParser(Builder builder, SseListener listener) {
    this.maxLineLength = builder.maxLineLength;
    this.interpreter = new EventInterpreter(listener, builder.maxEventSize, builder.lastEventId);
  }

  /** Returns a new builder with the default limits and an empty last event id. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the given bytes, the next part of the stream, calling the listener for everything they
   * complete.
   *
   * @throws SseParseException if a line or an event's data exceeds its limit
   * @throws IllegalStateException if {@link #end()} was called, or an earlier call threw
   * @throws IndexOutOfBoundsException if offset and length do not fit the array
   */
  public void feed(byte[] bytes, int offset, int length) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    checkUsable();
    boolean completed = false;
    try {
      int end = offset + length;
      int position = offset;
      while (position < end) {
        position = step(bytes, position, end);
      }
      completed = true;
    } finally {
      if (!completed) {
        fail();
      }
    }
  }

  /**
   * Parses the remaining bytes of the given buffer, the next part of the stream, and moves its
   * position to its limit. The buffer may be direct or read-only; the caller keeps ownership of it.
   *
   * @throws SseParseException if a line or an event's data exceeds its limit
   * @throws IllegalStateException if {@link #end()} was called, or an earlier call threw
   */
  public void feed(ByteBuffer bytes) {
    Objects.requireNonNull(bytes, "bytes");
    checkUsable();
    if (bytes.hasArray()) {
      feed(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      bytes.position(bytes.limit());
      return;
    }
    byte[] copy = scratch != null ? scratch : (scratch = new byte[SCRATCH_SIZE]);
    while (bytes.hasRemaining()) {
      if (state == State.ENDED) {
        // The listener ended the parser: the rest of the buffer is discarded.
        bytes.position(bytes.limit());
        return;
      }
      int count = Math.min(bytes.remaining(), copy.length);
      bytes.get(copy, 0, count);
      feed(copy, 0, count);
    }
  }

  /**
   * Ends the stream: discards an incomplete event (its data, type and uncommitted id) and the
   * buffers. Later calls to {@code feed} throw {@link IllegalStateException}; calling {@code end()}
   * again does nothing. The listener may call it too: the rest of the chunk being fed is then
   * discarded.
   */
  public void end() {
    if (state != State.FAILED) {
      state = State.ENDED;
    }
    line.release();
    interpreter.discard();
    scratch = null;
  }

  /**
   * Returns the last event id string: the id buffer as committed by the latest dispatch (even one
   * without data), or the {@linkplain Builder#lastEventId(String) initial value} before any. An
   * empty string means none: a client sends no {@code Last-Event-ID} then.
   */
  public String lastEventId() {
    return interpreter.lastEventId();
  }

  private void checkUsable() {
    if (state == State.ENDED) {
      throw new IllegalStateException("parser ended: end() was called");
    }
    if (state == State.FAILED) {
      throw new IllegalStateException("parser failed: an earlier call threw; discard it");
    }
  }

  private void fail() {
    state = State.FAILED;
    line.release();
    interpreter.discard();
  }

  /** Consumes bytes from {@code position} on and returns the position after them. */
  private int step(byte[] bytes, int position, int end) {
    switch (state) {
      case BOM:
        return matchBom(bytes, position, end);
      case AFTER_CR:
        state = State.LINE;
        return bytes[position] == LF ? position + 1 : position;
      case LINE:
        return readLine(bytes, position, end);
      default:
        // The listener ended the parser: the rest of the chunk is discarded.
        return end;
    }
  }

  private int matchBom(byte[] bytes, int position, int end) {
    while (position < end && bomMatched < BOM.length) {
      if (bytes[position] != BOM[bomMatched]) {
        // Not a BOM after all: the bytes matched so far are the start of the first line.
        appendToLine(BOM, 0, bomMatched);
        state = State.LINE;
        return position;
      }
      bomMatched++;
      position++;
    }
    if (bomMatched == BOM.length) {
      state = State.LINE;
    }
    return position;
  }

  private int readLine(byte[] bytes, int position, int end) {
    int lineEnd = indexOfLineEnd(bytes, position, end);
    if (lineEnd < 0) {
      appendToLine(bytes, position, end - position);
      return end;
    }
    // Set before the listener runs, which may end the parser.
    state = bytes[lineEnd] == CR ? State.AFTER_CR : State.LINE;
    if (line.length() == 0) {
      checkLineLength(lineEnd - position);
      interpreter.processLine(bytes, position, lineEnd);
    } else {
      appendToLine(bytes, position, lineEnd - position);
      interpreter.processLine(line.array(), 0, line.length());
      line.clear();
    }
    return lineEnd + 1;
  }

  private static int indexOfLineEnd(byte[] bytes, int from, int end) {
    for (int i = from; i < end; i++) {
      byte b = bytes[i];
      if (b == LF || b == CR) {
        return i;
      }
    }
    return -1;
  }

  private void appendToLine(byte[] bytes, int offset, int count) {
    checkLineLength((long) line.length() + count);
    line.append(bytes, offset, count);
  }

  private void checkLineLength(long length) {
    if (length > maxLineLength) {
      throw new SseParseException("line exceeds maxLineLength: " + maxLineLength + " bytes");
    }
  }

  /** Builds an {@link SseParser}. Not thread-safe. */
  public static final class Builder {
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
    private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;
    private String lastEventId = "";

    private Builder() {}

    /**
     * Sets the longest line accepted, in bytes without the line end. Defaults to {@value
     * SseParser#DEFAULT_MAX_LINE_LENGTH}; must be positive.
     */
    public Builder maxLineLength(int maxLineLength) {
      this.maxLineLength = maxLineLength;
      return this;
    }

    /**
     * Sets the largest event data accepted, in UTF-8 bytes including the LF between data lines.
     * Defaults to {@value SseParser#DEFAULT_MAX_EVENT_SIZE}; must be positive.
     */
    public Builder maxEventSize(int maxEventSize) {
      this.maxEventSize = maxEventSize;
      return this;
    }

    /**
     * Sets the last event id the stream starts with, which events without an {@code id} field
     * report: when reconnecting, the previous stream's {@link SseParser#lastEventId()}. Defaults to
     * the empty string, meaning none.
     */
    public Builder lastEventId(String lastEventId) {
      this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
      return this;
    }

    /**
     * Returns a parser reporting to the given listener.
     *
     * @throws IllegalArgumentException if a limit is not positive, or the last event id contains
     *     CR, LF or NUL (no stream can set such an id)
     */
    public SseParser build(SseListener listener) {
      Objects.requireNonNull(listener, "listener");
      checkPositive("maxLineLength", maxLineLength);
      checkPositive("maxEventSize", maxEventSize);
      checkLastEventId(lastEventId);
      return new SseParser(this, listener);
    }

    private static void checkPositive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
    }

    private static void checkLastEventId(String id) {
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c == '\r' || c == '\n' || c == '\0') {
          throw new IllegalArgumentException(
              "lastEventId contains "
                  + (c == '\0' ? "NUL" : c == '\r' ? "CR" : "LF")
                  + " at index "
                  + i
                  + " (expected: no CR, LF or NUL)");
        }
      }
    }
  }
}
