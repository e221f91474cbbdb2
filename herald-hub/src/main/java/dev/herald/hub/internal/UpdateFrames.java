package dev.herald.hub.internal;

import dev.herald.hub.Update;
import dev.herald.server.EncodedEvent;
import dev.herald.sse.MessageEvent;

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
}
