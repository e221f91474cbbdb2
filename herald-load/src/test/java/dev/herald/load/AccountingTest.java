package dev.herald.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.HeraldServer;
import dev.herald.sse.MessageEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives a deliberately faulty server, which drops every update whose sequence number ends in 3 and
 * sends those ending in 5 twice, and checks that the load tool counts exactly that.
 */
class AccountingTest {
  private final List<SubmissionPublisher<MessageEvent>> streams = new CopyOnWriteArrayList<>();
  private HeraldServer server;

  @BeforeEach
  void startFaultyServer() {
    server =
        HeraldServer.builder()
            .host("127.0.0.1")
            .port(0)
            .sse(
                "/hub",
                request -> {
                  SubmissionPublisher<MessageEvent> stream = new SubmissionPublisher<>();
                  streams.add(stream);
                  return stream;
                })
            .post("/hub", request -> publish(request.bodyText()))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    streams.forEach(SubmissionPublisher::close);
  }

  private String publish(String form) {
    String data = "";
    for (String pair : form.split("&")) {
      if (pair.startsWith("data=")) {
        data = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
      }
    }
    long seq = Long.parseLong(data.substring(0, data.indexOf('.')));
    for (SubmissionPublisher<MessageEvent> stream : streams) {
      if (seq % 10 != 3) {
        stream.submit(MessageEvent.of(data));
      }
      if (seq % 10 == 5) {
        stream.submit(MessageEvent.of(data));
      }
    }
    return "ok";
  }

  @Test
  void countsLostAndDuplicatedDeliveriesBySequenceNumber() {
    URI url = URI.create("http://127.0.0.1:" + server.port() + "/hub");
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
