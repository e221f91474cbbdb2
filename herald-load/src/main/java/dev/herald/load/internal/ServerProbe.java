package dev.herald.load.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** Samples the server process at the start and end of the measured window, if its pid is known. */
final class ServerProbe {
  private final @Nullable Long pid;
  private static final long SELF = ProcessHandle.current().pid();

  private ProcStats.@Nullable Sample start;
  private ProcStats.@Nullable Sample end;
  private ProcStats.@Nullable Sample selfStart;
  private ProcStats.@Nullable Sample selfEnd;

  ServerProbe(@Nullable Long pid) {
    this.pid = pid;
    if (pid != null) {
      ProcStats.sample(pid); // fail now, before any load, if the pid is wrong
    }
  }

  ProcStats.@Nullable Sample sample() {
    return pid == null ? null : ProcStats.sample(pid);
  }

  void start() {
    start = sample();
    selfStart = selfSample();
  }

  void end() {
    end = sample();
    selfEnd = selfSample();
  }

  /** Returns a reading of this process (the load tool), or null where /proc is missing. */
  private static ProcStats.@Nullable Sample selfSample() {
    try {
      return ProcStats.sample(SELF);
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /**
   * Adds {@code loadToolCpuSeconds} and {@code loadToolCpuMicrosPerDelivery}: this process's own
   * CPU time over the measured window, to check that the load tool was not the bottleneck.
   */
  void putLoadTool(ObjectNode json, long deliveries) {
    ProcStats.Sample s = selfStart;
    ProcStats.Sample e = selfEnd;
    if (s == null || e == null) {
      return;
    }
    double cpu = e.cpuSecondsSince(s);
    json.put("loadToolCpuSeconds", cpu);
    if (deliveries > 0) {
      json.put("loadToolCpuMicrosPerDelivery", Latency.round(cpu * 1e6 / deliveries));
    }
  }

  /** Adds {@code server} and {@code serverCpuMicrosPerDelivery} (null without a pid). */
  void put(ObjectNode json, long deliveries) {
    ProcStats.Sample s = start;
    ProcStats.Sample e = end;
    if (s == null || e == null) {
      json.putNull("server");
      json.putNull("serverCpuMicrosPerDelivery");
      return;
    }
    double cpu = e.cpuSecondsSince(s);
    ObjectNode server = json.putObject("server");
    server.put("cpuSeconds", cpu);
    server.put("peakRssKiB", e.peakRssKiB());
    server.put("rssKiB", e.rssKiB());
    if (deliveries > 0) {
      json.put("serverCpuMicrosPerDelivery", Latency.round(cpu * 1e6 / deliveries));
    } else {
      json.putNull("serverCpuMicrosPerDelivery");
    }
  }
}
