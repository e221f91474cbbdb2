package dev.herald.load.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.load.LoadTarget;
import dev.herald.sse.MessageEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The fan-out and saturation runs: N subscribers on one topic, publishers on a schedule (a fixed
 * rate, or as fast as accepted), then the accounting of every delivery by sequence number.
 */
public final class DeliveryRun {
  /** How long after the last publication an update may still arrive before it counts as lost. */
  public static final Duration GRACE = Duration.ofSeconds(5);

  /**
   * The most requests pipelined on one publisher connection: {@value}. Servers bound this (Netty's
   * HTTP codec closes the connection past 128), so a deeper window needs more connections.
   */
  public static final int MAX_PIPELINED = 100;

  /** Fan-out publishes on this many connections: {@value}. */
  private static final int FANOUT_PUBLISHERS = 4;

  /** Fan-out pipelines at most this many requests per connection: {@value}. */
  private static final int FANOUT_IN_FLIGHT = 16;

  private final LoadTarget target;
  private final String mode;
  private final String topic;
  private final int subscribers;
  private final int payloadBytes;
  private final long rate; // 0: saturate
  private final Duration duration;
  private final Duration warmup;
  private final int publishers;
  private final int maxInFlight;
  private final long warmupCount;

  /**
   * The first sequence number measured: the updates published after the warm-up time. That is
   * {@link #warmupCount} when the server keeps the rate, fewer when it accepts updates more slowly.
   */
  private volatile long measuredFrom;

  private final Latency latency = new Latency();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder deliveredMeasured = new LongAdder();
  private final LongAdder duplicatedMeasured = new LongAdder();
  private volatile long lastDeliveryNanos;
  private volatile Schedules.@Nullable Counted schedule;

  // Progress thread only.
  private long shownPublished;
  private long shownDelivered;

  private DeliveryRun(
      LoadTarget target,
      String mode,
      String topic,
      int subscribers,
      int payloadBytes,
      long rate,
      Duration duration,
      Duration warmup,
      int publishers,
      int maxInFlight) {
    this.target = target;
    this.mode = mode;
    this.topic = topic;
    this.subscribers = subscribers;
    this.payloadBytes = payloadBytes;
    this.rate = rate;
    this.duration = duration;
    this.warmup = warmup;
    this.publishers = publishers;
    this.maxInFlight = maxInFlight;
    this.warmupCount = rate * warmup.toNanos() / 1_000_000_000L;
    this.measuredFrom = warmupCount;
  }

  /** Runs a fan-out: {@code rate} updates a second for warmup plus duration. */
  public static ObjectNode fanout(
      LoadTarget target,
      String topic,
      int subscribers,
      int rate,
      int payloadBytes,
      Duration duration,
      Duration warmup,
      PrintStream progress) {
    return new DeliveryRun(
            target,
            "fanout",
            topic,
            subscribers,
            payloadBytes,
            rate,
            duration,
            warmup,
            FANOUT_PUBLISHERS,
            FANOUT_IN_FLIGHT)
        .run(progress);
  }

  /** Runs a saturation: updates as fast as accepted with at most maxInFlight unanswered. */
  public static ObjectNode saturate(
      LoadTarget target,
      String topic,
      int subscribers,
      int payloadBytes,
      Duration duration,
      int maxInFlight,
      int publishers,
      PrintStream progress) {
    int each = Math.max(1, (maxInFlight + publishers - 1) / publishers);
    return new DeliveryRun(
            target,
            "saturate",
            topic,
            subscribers,
            payloadBytes,
            0,
            duration,
            Duration.ZERO,
            publishers,
            each)
        .run(progress);
  }

  private ObjectNode run(PrintStream out) {
    ServerProbe probe = new ServerProbe(target.serverPid());
    Subscribers subs;
    Publishers pubs;
    long publishStart;
    BitSet accepted;
    Histogram connectTimes;
    try (LoadClient netty = new LoadClient(target.threads(), target.timeout())) {
      subs = new Subscribers(netty, target, topic, subscribers, this::onEvent);
      try (Progress p = new Progress(mode, out, () -> progressLine(subs))) {
        subs.connectAll();
        p.phase(warmup.isZero() ? "publishing" : "warm-up");
        publishStart = System.nanoTime();
        Schedules.Counted s =
            rate > 0
                ? Schedules.paced(rate, warmupCount + rate * duration.toNanos() / 1_000_000_000L)
                : Schedules.untilDeadline(Payload.now() + duration.toNanos());
        schedule = s;
        pubs = new Publishers(netty, target, s);
        pubs.start(topic, payloadBytes, publishers, maxInFlight);
        Publishers running = pubs;
        Waits.until(() -> false, publishStart + warmup.toNanos(), running::check);
        measuredFrom = Math.min(warmupCount, s.issued());
        probe.start();
        p.phase("publishing");
        long end = publishStart + warmup.toNanos() + duration.toNanos() + GRACE.toNanos();
        if (!Waits.until(s::done, end, running::check)) {
          // The server does not accept updates at this rate: report what it did accept.
          s.stop();
          out.println(
              "["
                  + mode
                  + "] publishing fell more than "
                  + GRACE.toSeconds()
                  + " s behind the schedule: stopped after "
                  + s.issued()
                  + " updates");
        }
        pubs.awaitFinished();
        p.phase("draining");
        accepted = pubs.acceptedSet();
        refusedPublishes = pubs.refused();
        long expected = measured(accepted) * subscribers;
        Waits.until(
            () -> deliveredMeasured.sum() >= expected,
            System.nanoTime() + GRACE.toNanos(),
            () -> {});
        probe.end();
        pubs.close();
        subs.closeAll();
      }
      connectTimes = subs.connectTime.drain();
    }
    // The event loops have terminated: every subscriber's log is complete and visible here.
    return report(subs, probe, connectTimes, accepted, publishStart);
  }

  private long measured(BitSet accepted) {
    return accepted
        .get((int) measuredFrom, Math.max((int) measuredFrom, accepted.length()))
        .cardinality();
  }

  private void onEvent(Client client, MessageEvent event) {
    if (!(event.data() instanceof String)) {
      return;
    }
    String data = (String) event.data();
    long seq = Payload.seq(data);
    if (seq < 0 || seq > Integer.MAX_VALUE) {
      return; // not ours
    }
    if (!client.log.record(seq)) {
      if (seq >= measuredFrom) {
        duplicatedMeasured.increment();
      }
      return;
    }
    delivered.increment();
    if (seq >= measuredFrom) {
      long now = Payload.now();
      latency.recordNanos(now - Payload.nanos(data));
      deliveredMeasured.increment();
      lastDeliveryNanos = now;
    }
  }

  private String progressLine(Subscribers subs) {
    Schedules.Counted s = schedule;
    long published = s == null ? 0 : s.issued();
    long deliveredNow = delivered.sum();
    String line =
        String.format(
            "subscribers %d/%d  published %d (%d/s)  delivered %d (%d/s)  p99 %.3f ms  disconnected %d",
            subs.open(),
            subscribers,
            published,
            published - shownPublished,
            deliveredNow,
            deliveredNow - shownDelivered,
            latency.intervalP99Millis(),
            subs.disconnected());
    shownPublished = published;
    shownDelivered = deliveredNow;
    return line;
  }

  /** Publications the server refused as overloaded (503, 429): not published, not owed. */
  private long refusedPublishes;

  private ObjectNode report(
      Subscribers subs,
      ServerProbe probe,
      Histogram connectTimes,
      BitSet accepted,
      long publishStart) {
    int from = (int) measuredFrom;
    int to = Math.max(from, accepted.length());
    long published = measured(accepted);
    long lost = 0;
    long received = 0;
    for (Client c : subs.clients()) {
      lost += c.log.missing(accepted, from, to);
      received += c.log.receivedIn(from, to);
    }
    long duplicated = duplicatedMeasured.sum(); // of the updates after the warm-up
    double seconds = duration.toNanos() / 1e9;
    if (rate == 0 && lastDeliveryNanos > 0) {
      // Saturation: deliveries may trail the last publication; count the time they took.
      long publishStartNow = publishStart - System.nanoTime() + Payload.now();
      seconds = Math.max(seconds, (lastDeliveryNanos - publishStartNow) / 1e9);
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("mode", mode);
    json.put("url", target.url().toString());
    json.put("subscribers", subscribers);
    if (rate > 0) {
      json.put("rate", rate);
    }
    json.put("payloadBytes", payloadBytes);
    json.put("durationSeconds", duration.toNanos() / 1e9);
    if (rate > 0) {
      json.put("warmupSeconds", warmup.toNanos() / 1e9);
    } else {
      json.put("maxInFlight", maxInFlight * publishers);
      json.put("publishers", publishers);
    }
    json.put("published", published);
    json.put("refusedPublishes", refusedPublishes);
    if (rate > 0) {
      json.put("behindSchedule", schedule != null && schedule.stopped());
    } else {
      json.put("publishedPerSecond", Latency.round(published / (duration.toNanos() / 1e9)));
    }
    json.put("expectedDeliveries", published * subscribers);
    json.put("delivered", received);
    json.put("lost", lost);
    json.put("duplicated", duplicated);
    json.put("deliveriesPerSecond", Latency.round(received / seconds));
    json.set("latencyMicros", Latency.micros(latency.drain()));
    json.set("connectMillis", Latency.millis(connectTimes));
    probe.put(json, received);
    json.put("disconnected", subs.disconnected());
    probe.putLoadTool(json, received);
    return json;
  }
}
