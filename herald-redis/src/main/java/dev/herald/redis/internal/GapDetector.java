package dev.herald.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices log entries this instance never read, by the number ({@code s}) the publish script gives
 * each entry: entries trimmed before it got to them (it was disconnected while more than the
 * history size was published), or lost by Redis (restarted without persistence, which resets the
 * numbering). Its subscribers cannot get those; each gap is logged and counted. {@link #check} runs
 * on the reader thread only; {@link #missed} on any.
 */
final class GapDetector {
  private static final Logger LOG = LoggerFactory.getLogger(GapDetector.class);

  private final AtomicLong missed = new AtomicLong();
  private long lastSeq; // reader thread only

  /** Checks the number of the entry {@code id} against the previous one's. Reader thread. */
  void check(StreamId id, byte @Nullable [] seqBytes) {
    if (seqBytes == null) {
      return;
    }
    long seq;
    try {
      seq = Long.parseLong(new String(seqBytes, StandardCharsets.UTF_8));
    } catch (NumberFormatException e) {
      return;
    }
    if (lastSeq > 0 && seq > lastSeq + 1) {
      long gap = seq - lastSeq - 1;
      missed.addAndGet(gap);
      LOG.warn(
          "missed {} updates before Redis log entry {}: trimmed before this instance read them;"
              + " raise the history size",
          gap,
          id);
    } else if (lastSeq > 0 && seq <= lastSeq) {
      LOG.warn(
          "the Redis log was reset before entry {} (after {} updates): Redis lost its data",
          id,
          lastSeq);
    }
    lastSeq = seq;
  }

  /** Returns how many updates were missed so far. */
  long missed() {
    return missed.get();
  }
}
