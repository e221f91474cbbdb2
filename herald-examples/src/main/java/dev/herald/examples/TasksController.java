package dev.herald.examples;

import dev.herald.server.Controller;
import dev.herald.server.LastEventId;
import dev.herald.server.Param;
import dev.herald.server.Post;
import dev.herald.server.Response;
import dev.herald.server.Sse;
import dev.herald.sse.MessageEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Task progress, as in the NestJS lesson:
 *
 * <ul>
 *   <li>{@code POST /tasks} starts a task and answers {@code 202} with {@code {"taskId":"..."}};
 *   <li>{@code GET /tasks/:id/progress} streams {@code {"taskId":..,"progress":0..100}} in steps of
 *       10 and ends when the task does; an unknown id is answered with {@code 404} before any
 *       stream opens.
 * </ul>
 *
 * <p>A browser's {@code EventSource} reconnects when a stream ends, so the page closes it once the
 * progress reaches 100. Thread-safe.
 */
@Controller("tasks")
final class TasksController {
  /** The answer to {@code POST /tasks}. */
  record TaskStarted(String taskId) {}

  private final TaskService tasks;

  TasksController(TaskService tasks) {
    this.tasks = tasks;
  }

  @Post
  Response start() {
    return Response.builder(202).json(new TaskStarted(tasks.start())).build();
  }

  @Sse(":id/progress")
  Flux<MessageEvent> progress(@Param("id") String id, @LastEventId @Nullable String lastEventId) {
    // Looked up here, not inside the Flux, so an unknown id is a 404 and not an error frame.
    return tasks.progress(id, lastEventId);
  }
}
