package dev.herald.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives a deliberately faulty server, which drops every update whose sequence number ends in 3 and
 * sends those ending in 5 twice, and checks that the load tool counts exactly that.
 */
class AccountingTest {
  private FormHub hub;

  @BeforeEach
  void startFaultyServer() {
    hub = new FormHub(this::publish);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private String publish(String data) {
    long seq = Long.parseLong(data.substring(0, data.indexOf('.')));
    if (seq % 10 != 3) {
      hub.deliver(data);
    }
    if (seq % 10 == 5) {
      hub.deliver(data);
    }
    return "ok";
  }

  @Test
  void countsLostAndDuplicatedDeliveriesBySequenceNumber() {
    URI url = hub.url();
    PrintStream progress =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    BenchReport report =
        Bench.fanout(
            LoadTarget.of(url), "t", 3, 20, 50, Duration.ofSeconds(1), Duration.ZERO, progress);

    JsonNode json = report.node();
    assumeFalse(json.get("behindSchedule").asBoolean(), "the machine fell 5 s behind");
    // Updates 0..19: 3 and 13 are dropped, 5 and 15 come twice, for each of 3 subscribers.
    assertThat(json.get("published").asLong()).isEqualTo(20);
    assertThat(json.get("expectedDeliveries").asLong()).isEqualTo(60);
    assertThat(json.get("delivered").asLong()).isEqualTo(54);
    assertThat(json.get("lost").asLong()).isEqualTo(6);
    assertThat(json.get("duplicated").asLong()).isEqualTo(6);
    assertThat(json.get("server").isNull()).isTrue();
  }
}
