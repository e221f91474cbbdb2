package dev.herald.client.internal;

import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseListener;
import dev.herald.sse.SseParseException;
import dev.herald.sse.SseParser;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Parses the body of one stream, with a new parser that starts from the source's committed last
 * event id (WHATWG HTML §9.2.5; the Chromium rule that a new parser takes over the event id), and
 * holds the bytes received but not yet parsed while the consumer has no capacity.
 *
 * <p>When the consumer may take every event the held bytes can hold, a whole buffer is parsed at
 * once; otherwise bytes are parsed one line at a time, so that parsing stops right after the event
 * that used up the capacity. Each byte is copied once, by the parser, so large events and high
 * rates cost linear time. Used by the loop's thread only.
 */
final class StreamReader implements SseListener {
  /** The fewest bytes of a buffer that can dispatch one more event: {@code data\n\n}. */
  private static final int MIN_EVENT_BYTES = 6;

  /** What the reader reports, on the loop's thread. */
  interface Callbacks {
    /** Receives an event, after the last event id was committed. */
    void onEvent(MessageEvent event, String lastEventId);

    void onRetry(long millis);
  }

  private final SseParser parser;
  private final Callbacks callbacks;
  private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
  private final int maxEventSize;

  StreamReader(String lastEventId, int maxEventSize, Callbacks callbacks) {
    this.callbacks = callbacks;
    this.maxEventSize = maxEventSize;
    // A data line is the field name, a colon, a space and up to maxEventSize bytes.
    int maxLineLength =
        maxEventSize > Integer.MAX_VALUE - 64 ? Integer.MAX_VALUE : maxEventSize + 64;
    this.parser =
        SseParser.builder()
            .lastEventId(lastEventId)
            .maxEventSize(maxEventSize)
            .maxLineLength(maxLineLength)
            .build(this);
  }

  /** Holds a chunk of the body. */
  void add(List<ByteBuffer> chunk) {
    for (ByteBuffer buffer : chunk) {
      if (buffer.hasRemaining()) {
        pending.add(buffer);
      }
    }
  }

  /**
   * Parses held bytes while the capacity allows; returns true when none are left.
   *
   * @throws SseParseException if an event passes the size limit, in the words of that limit
   *     whichever of the parser's limits tripped first
   */
  boolean pump(LongSupplier capacity) {
    try {
      return feed(capacity);
    } catch (SseParseException e) {
      throw new SseParseException(
          "event exceeds maxEventSize: " + maxEventSize + " bytes (" + e.getMessage() + ")");
    }
  }

  private boolean feed(LongSupplier capacity) {
    while (!pending.isEmpty()) {
      long available = capacity.getAsLong();
      if (available <= 0) {
        return false;
      }
      ByteBuffer buffer = pending.peek();
      if (available > buffer.remaining() / MIN_EVENT_BYTES) {
        parser.feed(buffer);
      } else {
        feedLine(buffer);
      }
      if (!buffer.hasRemaining()) {
        pending.poll();
      }
    }
    return true;
  }

  /** Returns the committed last event id. */
  String lastEventId() {
    return parser.lastEventId();
  }

  /** Ends the parser, discarding a partial event and the held bytes. */
  void discard() {
    parser.end();
    pending.clear();
  }

  private void feedLine(ByteBuffer buffer) {
    int end = buffer.limit();
    for (int i = buffer.position(); i < end; i++) {
      byte b = buffer.get(i);
      if (b == '\n' || b == '\r') {
        end = i + 1;
        break;
      }
    }
    ByteBuffer line = buffer.duplicate();
    line.limit(end);
    parser.feed(line);
    buffer.position(end);
  }

  @Override
  public void onEvent(MessageEvent event) {
    callbacks.onEvent(event, parser.lastEventId());
  }

  @Override
  public void onRetry(long millis) {
    callbacks.onRetry(millis);
  }
}
