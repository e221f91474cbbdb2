package dev.herald.load.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Records durations in microseconds from any thread, wait-free ({@link Recorder}), into a histogram
 * for the whole run and one for the progress line's last second.
 */
final class Latency {
  private final Recorder total = new Recorder(3);
  private final Recorder interval = new Recorder(3);
  private @Nullable Histogram lastInterval; // progress thread; recycled through the recorder

  /** Records one duration of {@code nanos}; negative values count as 0. */
  void recordNanos(long nanos) {
    long micros = Math.max(0, nanos / 1000);
    total.recordValue(micros);
    interval.recordValue(micros);
  }

  /**
   * Returns the 99th percentile, in ms, of what was recorded since the last call; progress only.
   */
  synchronized double intervalP99Millis() {
    Histogram h =
        lastInterval == null
            ? interval.getIntervalHistogram()
            : interval.getIntervalHistogram(lastInterval);
    lastInterval = h;
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
  }

  /** Returns everything recorded since the last call (so call once, at the end). */
  Histogram drain() {
    return total.getIntervalHistogram();
  }

  /** Returns {@code {p50, p99, p999, max}} in microseconds. */
  static ObjectNode micros(Histogram h) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("p50", h.getValueAtPercentile(50));
    node.put("p99", h.getValueAtPercentile(99));
    node.put("p999", h.getValueAtPercentile(99.9));
    node.put("max", h.getMaxValue());
    return node;
  }

  /** Returns {@code {p50, p99, max}} in milliseconds, from a histogram in microseconds. */
  static ObjectNode millis(Histogram h) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("p50", round(h.getValueAtPercentile(50) / 1000.0));
    node.put("p99", round(h.getValueAtPercentile(99) / 1000.0));
    node.put("max", round(h.getMaxValue() / 1000.0));
    return node;
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
