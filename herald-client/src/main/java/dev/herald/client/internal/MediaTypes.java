package dev.herald.client.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Checks a {@code Content-Type} by its essence, as the specification does. */
final class MediaTypes {
  static final String EVENT_STREAM = "text/event-stream";

  private MediaTypes() {}

  /** Returns whether the header's MIME type essence is {@code text/event-stream}. */
  static boolean isEventStream(@Nullable String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return essence.strip().toLowerCase(Locale.ROOT).equals(EVENT_STREAM);
  }
}
