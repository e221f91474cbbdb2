package dev.herald.load.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.load.LoadTarget;
import java.io.PrintStream;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/** The idle run: N streams held open, and the server's memory before and after them. */
public final class IdleRun {
  private IdleRun() {}

  /**
   * Opens {@code connections} streams on {@code topic}, holds them for {@code hold}, closes them.
   */
  public static ObjectNode run(
      LoadTarget target, String topic, int connections, Duration hold, PrintStream out) {
    ServerProbe probe = new ServerProbe(target.serverPid());
    ProcStats.Sample before = probe.sample();
    ProcStats.Sample after;
    Subscribers subs;
    Histogram connectTimes;
    try (LoadClient netty = new LoadClient(target.threads(), target.timeout())) {
      subs = new Subscribers(netty, target, topic, connections, (client, event) -> {});
      Subscribers s = subs;
      try (Progress p =
          new Progress(
              "idle",
              out,
              () ->
                  String.format(
                      "connections %d/%d  disconnected %d",
                      s.open(), connections, s.disconnected()))) {
        probe.start();
        subs.connectAll();
        p.phase("holding");
        Waits.until(System.nanoTime() + hold.toNanos());
        after = probe.sample();
        probe.end();
        subs.closeAll();
      }
      connectTimes = subs.connectTime.drain();
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("mode", "idle");
    json.put("url", target.url().toString());
    json.put("connections", connections);
    json.put("holdSeconds", hold.toNanos() / 1e9);
    json.set("connectMillis", Latency.millis(connectTimes));
    if (before != null && after != null) {
      json.put("rssBeforeKiB", before.rssKiB());
      json.put("rssAfterKiB", after.rssKiB());
      json.put("rssPerConnectionBytes", (after.rssKiB() - before.rssKiB()) * 1024 / connections);
    } else {
      json.putNull("rssBeforeKiB");
      json.putNull("rssAfterKiB");
      json.putNull("rssPerConnectionBytes");
    }
    probe.put(json, 0);
    json.remove("serverCpuMicrosPerDelivery");
    json.put("disconnected", subs.disconnected());
    return json;
  }
}
