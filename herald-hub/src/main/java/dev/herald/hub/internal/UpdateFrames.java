package dev.herald.hub.internal;

import dev.herald.hub.Update;
import dev.herald.server.EncodedEvent;
import dev.herald.sse.MessageEvent;
import java.util.List;

/** Encodes updates as SSE frames: {@code id}, optional {@code event} and {@code retry}, data. */
final class UpdateFrames {
  private UpdateFrames() {}

  static EncodedEvent encode(Update update) {
    return EncodedEvent.of(
        MessageEvent.builder()
            .id(update.id())
            .type(update.type())
            .retry(update.retry() == null || update.retry().isZero() ? null : update.retry())
            .data(update.data())
            .build());
  }

  /**
   * Returns one event holding {@code first}'s frame followed by each of {@code more}, in order:
   * {@code size} bytes in all. A client reads the same events as from each frame alone.
   */
  static EncodedEvent join(EncodedEvent first, List<EncodedEvent> more, int size) {
    byte[] joined = new byte[size];
    System.arraycopy(first.bytes(), 0, joined, 0, first.size());
    int at = first.size();
    for (EncodedEvent frame : more) {
      System.arraycopy(frame.bytes(), 0, joined, at, frame.size());
      at += frame.size();
    }
    return EncodedEvent.of(joined);
  }
}
