package dev.herald.load.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.load.BenchException;
import dev.herald.load.LoadTarget;
import dev.herald.sse.MessageEvent;
import java.io.PrintStream;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The resume run: N clients receive a first update, disconnect, miss M updates, and reconnect with
 * {@code Last-Event-ID}; each is timed from the start of its reconnection until it has the last of
 * them.
 *
 * <p>A warm-up round comes first, untimed in the result: {@link #WARMUP_CLIENTS} clients at most,
 * the same M, on a topic of its own. Without it the first timed round measured mostly the load
 * tool's own parsing and accounting code running in the interpreter (a fresh JVM), and a server
 * that had never replayed before, while a long-running server has. Its numbers are reported under
 * {@code warmUp}, so a cold start stays visible.
 */
public final class ResumeRun {
  /** The most clients in the warm-up round: {@value}. */
  static final int WARMUP_CLIENTS = 100;

  private static final int MAX_IN_FLIGHT = 64;
  private static final int PAYLOAD_BYTES = Payload.MIN_SIZE;

  private final LoadTarget target;

  private ResumeRun(LoadTarget target) {
    this.target = target;
  }

  /** Runs a resume of {@code clients} clients after {@code missed} updates. */
  public static ObjectNode run(
      LoadTarget target, String topic, int clients, int missed, PrintStream out) {
    return new ResumeRun(target).run(topic, clients, missed, out);
  }

  private ObjectNode run(String topic, int clients, int missed, PrintStream out) {
    ObjectNode json;
    ObjectNode warmUp;
    try (LoadClient netty = new LoadClient(target.threads(), target.timeout())) {
      warmUp = warmUp(netty, topic, clients, missed, out);
      json = new Round(netty, topic, clients, missed).run(out, "resume");
    }
    json.set("warmUp", warmUp);
    return json;
  }

  /**
   * Runs the warm-up round, and once more if it fails: a cold server under load may answer its
   * first subscription after {@link SseSubscriber#HEADLESS_OPEN_MILLIS}, so that the stream counts
   * as open before it is, and misses the first update.
   */
  private ObjectNode warmUp(
      LoadClient netty, String topic, int clients, int missed, PrintStream out) {
    int n = Math.min(clients, WARMUP_CLIENTS);
    try {
      return new Round(netty, topic + "/warm-up", n, missed).run(out, "resume warm-up");
    } catch (BenchException e) {
      out.println("[resume warm-up] failed, once more: " + e.getMessage());
      return new Round(netty, topic + "/warm-up-2", n, missed).run(out, "resume warm-up");
    }
  }

  /** One round: connect, first update, disconnect, publish the missed ones, resume. */
  private final class Round {
    private final LoadClient netty;
    private final String topic;
    private final int clients;
    private final int missed;
    private final AtomicInteger haveFirst = new AtomicInteger();
    private final AtomicInteger caughtUp = new AtomicInteger();
    private final Latency catchUp = new Latency();
    private volatile boolean resuming;

    Round(LoadClient netty, String topic, int clients, int missed) {
      this.netty = netty;
      this.topic = topic;
      this.clients = clients;
      this.missed = missed;
    }

    ObjectNode run(PrintStream out, String mode) {
      ServerProbe probe = new ServerProbe(target.serverPid());
      Subscribers subs = new Subscribers(netty, target, topic, clients, this::onEvent);
      BitSet accepted;
      long totalNanos;
      try (Progress p =
          new Progress(
              mode,
              out,
              () ->
                  String.format(
                      "connected %d/%d  first update %d  caught up %d",
                      subs.open(), clients, haveFirst.get(), caughtUp.get()))) {
        subs.connectAll();
        p.phase("first update");
        publish(0, 1);
        long deadline = System.nanoTime() + target.timeout().toNanos();
        if (!Waits.until(() -> haveFirst.get() >= clients, deadline, () -> {})) {
          subs.closeAll();
          throw new BenchException(
              "only " + haveFirst.get() + " of " + clients + " clients received the first update");
        }
        for (Client c : subs.clients()) {
          if (c.lastEventId.isEmpty()) {
            throw new BenchException(
                "the server sent the first update without an id: cannot resume");
          }
        }
        p.phase("disconnected, publishing");
        subs.closeAll();
        accepted = publish(1, missed);
        probe.start();
        resuming = true;
        p.phase("resuming");
        long start = System.nanoTime();
        subs.connectAll();
        Waits.until(
            () -> caughtUp.get() >= clients,
            System.nanoTime() + target.timeout().toNanos(),
            () -> {});
        totalNanos = System.nanoTime() - start;
        if (caughtUp.get() < clients) {
          out.println(
              "["
                  + mode
                  + "] only "
                  + caughtUp.get()
                  + " of "
                  + clients
                  + " clients caught up within the time-out: does the server keep "
                  + (missed + 1)
                  + " updates in history and honour Last-Event-ID?");
        }
        probe.end();
        subs.closeAll();
      }
      return report(subs, probe, accepted, catchUp.drain(), totalNanos);
    }

    private BitSet publish(long first, long count) {
      Publishers pubs = new Publishers(netty, target, Schedules.fixed(first, count));
      try {
        pubs.start(topic, PAYLOAD_BYTES, 1, MAX_IN_FLIGHT);
        pubs.awaitFinished();
        pubs.check();
        return pubs.acceptedSet();
      } finally {
        pubs.close();
      }
    }

    private void onEvent(Client client, MessageEvent event) {
      if (!(event.data() instanceof String)) {
        return;
      }
      long seq = Payload.seq((String) event.data());
      if (seq < 0 || seq > missed || !client.log.record(seq)) {
        return;
      }
      if (seq == 0) {
        haveFirst.incrementAndGet();
      } else if (resuming && client.log.distinct() == missed + 1 && client.caughtUpNanos == 0) {
        long now = Payload.now();
        client.caughtUpNanos = now;
        catchUp.recordNanos(now - client.connectStartNanos);
        caughtUp.incrementAndGet();
      }
    }

    private ObjectNode report(
        Subscribers subs, ServerProbe probe, BitSet accepted, Histogram times, long totalNanos) {
      long lost = 0;
      long duplicated = 0;
      long delivered = 0;
      for (Client c : subs.clients()) {
        lost += c.log.missing(accepted, 1, missed + 1);
        duplicated += c.log.duplicated();
        delivered += c.log.receivedIn(1, missed + 1);
      }
      long published = accepted.get(1, missed + 1).cardinality();
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("mode", "resume");
      json.put("url", target.url().toString());
      json.put("clients", clients);
      json.put("missed", missed);
      json.set("catchUpMillis", Latency.millis(times));
      json.put("totalMillis", Latency.round(totalNanos / 1e6));
      json.put("caughtUp", caughtUp.get());
      json.put("expectedDeliveries", published * clients);
      json.put("delivered", delivered);
      json.put("lost", lost);
      json.put("duplicated", duplicated);
      probe.put(json, delivered);
      probe.putLoadTool(json, delivered);
      return json;
    }
  }
}
