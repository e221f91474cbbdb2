package dev.herald.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.load.internal.Payload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives a server slower than the rate during the warm-up: it answers no publication until two
 * seconds after the first, and never delivers an update sent before then. A fan-out with a one
 * second warm-up must measure exactly the updates sent after it, however few the server took in
 * during it: none lost, and every one of them counted.
 */
class WarmupWindowTest {
  private static final int RATE = 200;
  private static final Duration WARMUP = Duration.ofSeconds(1);
  private static final Duration DURATION = Duration.ofSeconds(1);
  private static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final int SUBSCRIBERS = 3;

  /** {@link Payload#now()} when the server answers again; 0 before the first publication. */
  private final AtomicLong gate = new AtomicLong();

  /** How many updates were sent before the gate, and the latest time one of them was sent. */
  private final AtomicLong early = new AtomicLong();

  private final AtomicLong lastEarlySent = new AtomicLong();
  private FormHub hub;

  @BeforeEach
  void startSlowServer() {
    hub = new FormHub(this::publish);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private CompletableFuture<String> publish(String data) {
    long sent = Payload.nanos(data);
    long now = Payload.now();
    gate.compareAndSet(0, now + HOLD_NANOS);
    long open = gate.get();
    if (sent < open) {
      early.incrementAndGet();
      lastEarlySent.accumulateAndGet(sent, Math::max);
      // Accepted, but answered late and never delivered.
      Executor later = CompletableFuture.delayedExecutor(open - now, TimeUnit.NANOSECONDS);
      return CompletableFuture.supplyAsync(() -> "ok", later);
    }
    hub.deliver(data);
    return CompletableFuture.completedFuture("ok");
  }

  @Test
  void measuresTheUpdatesSentAfterTheWarmupEvenWhenTheServerFellBehindDuringIt() {
    URI url = hub.url();
    PrintStream progress =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    long runStart = Payload.now();

    JsonNode json =
        Bench.fanout(LoadTarget.of(url), "t", SUBSCRIBERS, RATE, 50, DURATION, WARMUP, progress)
            .node();

    assumeFalse(json.get("behindSchedule").asBoolean(), "the machine fell 5 s behind");
    // The publishers' windows (4 connections, 16 requests each) filled within the warm-up, so
    // every update sent before the gate was sent during the warm-up.
    assumeTrue(
        lastEarlySent.get() < runStart + WARMUP.toNanos(),
        "the publishers were still filling their windows after the warm-up");
    long total = RATE * (WARMUP.toSeconds() + DURATION.toSeconds());
    assertThat(early.get()).isPositive().isLessThan(RATE * WARMUP.toSeconds());
    // Counting the warm-up would count the undelivered updates as lost; measuring from the
    // planned warm-up count (RATE) would leave out updates sent after the warm-up.
    assertThat(json.get("published").asLong()).isEqualTo(total - early.get());
    assertThat(json.get("expectedDeliveries").asLong())
        .isEqualTo((total - early.get()) * SUBSCRIBERS);
    assertThat(json.get("delivered").asLong()).isEqualTo((total - early.get()) * SUBSCRIBERS);
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.get("duplicated").asLong()).isZero();
  }
}
