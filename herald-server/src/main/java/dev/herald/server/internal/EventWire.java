package dev.herald.server.internal;

import dev.herald.server.EncodedEvent;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * The engine's way to an {@link EncodedEvent}'s shared direct buffers, which its public API does
 * not show. {@code EncodedEvent} installs the {@link Access} when its class initializes, so it is
 * in place before any event reaches the engine.
 *
 * <p>Buffers: each call returns a new view of the shared bytes that release never frees; the caller
 * may write it to a channel, which releases it.
 */
public final class EventWire {
  private static volatile Access access;

  private EventWire() {}

  /** What {@link EncodedEvent} gives the engine. */
  public interface Access {
    /** Returns the frame as an HTTP/1.1 chunk: size line, frame, CRLF. */
    ByteBuf chunk(EncodedEvent event);

    /** Returns the frame alone. */
    ByteBuf frame(EncodedEvent event);
  }

  /** Installs the access; called once, by {@link EncodedEvent}. */
  public static void install(Access a) {
    access = Objects.requireNonNull(a, "access");
  }

  static ByteBuf chunk(EncodedEvent event) {
    return access.chunk(event);
  }

  static ByteBuf frame(EncodedEvent event) {
    return access.frame(event);
  }
}
