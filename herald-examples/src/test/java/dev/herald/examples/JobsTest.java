package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Examples examples = Examples.create(TestConfigs.fast().build());

  @RegisterExtension final ServerExtension server = new ServerExtension(examples::configure);

  private JsonNode startJob() throws Exception {
    HttpResponse<String> started = TestConfigs.post(server.uri("/jobs"), "");
    assertThat(started.statusCode()).isEqualTo(202);
    return JSON.readTree(started.body());
  }

  @Test
  void aJobStreamsItsProgressUntilItEnds() throws Exception {
    JsonNode job = startJob();
    try (SseRecorder sse = SseRecorder.open(server.uri(job.get("events").asText()))) {
      int last = -1;
      for (int i = 0; i < 11 && last < 100; i++) {
        last = JSON.readTree(sse.next().dataString()).get("progress").asInt();
      }
      assertThat(last).isEqualTo(100);
      sse.awaitEnd();
    }
  }

  @Test
  void theSignedLinkStreamsAMillionRowCsvGeneratedOnTheFly() throws Exception {
    JsonNode job = startJob();
    String jobId = job.get("jobId").asText();
    HttpResponse<InputStream> export =
        TestConfigs.HTTP.send(
            HttpRequest.newBuilder(server.uri(job.get("export").asText()))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type")).contains("text/csv; charset=utf-8");
    assertThat(export.headers().firstValue("Content-Disposition"))
        .contains("attachment; filename=\"job-" + jobId + ".csv\"");
    long lines = 0;
    String lastLine = null;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(export.body(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).isEqualTo("row,job,value");
      String line;
      while ((line = reader.readLine()) != null) {
        lines++;
        lastLine = line;
      }
    }
    assertThat(lines).isEqualTo(JobsController.EXPORT_ROWS);
    assertThat(lastLine).startsWith((JobsController.EXPORT_ROWS - 1) + "," + jobId + ",");
  }

  @Test
  void anUnsignedOrTamperedExportLinkIsForbidden() throws Exception {
    JsonNode job = startJob();
    String link = job.get("export").asText();
    String jobId = job.get("jobId").asText();
    assertThat(TestConfigs.get(server.uri("/jobs/" + jobId + "/export")).statusCode())
        .isEqualTo(403);
    String otherJob = link.replace(jobId, "someone-elses-job");
    assertThat(TestConfigs.get(server.uri(otherJob)).statusCode()).isEqualTo(403);
    String longer = link.replaceFirst("expires=(\\d+)", "expires=9$1");
    assertThat(TestConfigs.get(server.uri(longer)).statusCode()).isEqualTo(403);
  }
}
