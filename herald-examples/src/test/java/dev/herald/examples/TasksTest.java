package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.server.HttpStatusException;
import dev.herald.server.testing.ServerExtension;
import dev.herald.server.testing.SseRecorder;
import dev.herald.sse.MessageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TasksTest {
  private static final Pattern TASK_ID = Pattern.compile("\\{\"taskId\":\"([0-9a-f-]{36})\"}");

  private final Examples examples = Examples.create(TestConfigs.fast().build());

  @RegisterExtension final ServerExtension server = new ServerExtension(examples::configure);

  private String startTask() throws Exception {
    HttpResponse<String> response = TestConfigs.post(server.uri("/tasks"), "");
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    Matcher matcher = TASK_ID.matcher(response.body());
    assertThat(matcher.matches()).as(response.body()).isTrue();
    return matcher.group(1);
  }

  @Test
  void progressGoesFrom0To100InStepsOf10AndThenTheStreamEnds() throws Exception {
    String taskId = startTask();
    try (SseRecorder sse = SseRecorder.open(server.uri("/tasks/" + taskId + "/progress"))) {
      List<String> data = new ArrayList<>();
      for (int percent = 0; percent <= 100; percent += 10) {
        MessageEvent event = sse.next();
        assertThat(event.id()).isEqualTo(Integer.toString(percent));
        data.add(event.dataString());
      }
      assertThat(data).first().isEqualTo("{\"taskId\":\"" + taskId + "\",\"progress\":0}");
      assertThat(data).last().isEqualTo("{\"taskId\":\"" + taskId + "\",\"progress\":100}");
      sse.awaitEnd();
      assertThat(sse.endedAbruptly()).isFalse();
      sse.assertNoMoreEvents();
    }
  }

  @Test
  void aClientResumingWithLastEventIdGetsOnlyTheStepsAfterIt() throws Exception {
    String taskId = startTask();
    try (SseRecorder sse =
        SseRecorder.open(server.uri("/tasks/" + taskId + "/progress"), "Last-Event-ID", "70")) {
      assertThat(List.of(sse.next().id(), sse.next().id(), sse.next().id()))
          .containsExactly("80", "90", "100");
      sse.awaitEnd();
      sse.assertNoMoreEvents();
    }
  }

  @Test
  void anUnknownTaskIsA404BeforeAnyStreamOpens() throws Exception {
    HttpResponse<String> response =
        TestConfigs.get(server.uri("/tasks/no-such-task/progress"), "Accept", "text/event-stream");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(response.body()).isEqualTo("no such task\n");
  }

  @Test
  void aFinishedTaskIsForgottenAfterTheRetention() {
    TaskService tasks = new TaskService(Duration.ofMillis(1), Duration.ZERO);
    String taskId = tasks.start();
    await().atMost(SseRecorder.TIMEOUT).until(() -> tasks.size() == 0);
    assertThatThrownBy(() -> tasks.progress(taskId, null))
        .isInstanceOfSatisfying(
            HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(404));
  }
}
