package dev.herald.examples;

import dev.herald.server.HttpStatusException;
import dev.herald.sse.MessageEvent;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs simulated tasks and streams their progress: NestJS's {@code TaskService}, whose {@code
 * setInterval} adds 10 % a step until 100 %.
 *
 * <p>A task's progress is replayed to every subscriber from 0, so a page that opens the stream a
 * little after starting the task still sees every step; each event's id is its percentage, so a
 * client that reconnects with {@code Last-Event-ID} continues after it. The stream completes when
 * the task ends. A finished task is forgotten after the configured retention, and at most {@link
 * #MAX_TASKS} tasks are kept at once: nothing grows without bound. Thread-safe.
 */
final class TaskService {
  /** The most tasks kept at once, running or finished: {@value}. */
  static final int MAX_TASKS = 1000;

  /** The number of steps from 0 % to 100 %: {@value}. */
  static final int STEPS = 10;

  /** The data of one progress event. */
  record Progress(String taskId, int progress) {}

  private final Duration step;
  private final Duration retention;
  private final ConcurrentMap<String, Sinks.Many<Integer>> tasks = new ConcurrentHashMap<>();

  TaskService(Duration step, Duration retention) {
    this.step = step;
    this.retention = retention;
  }

  /**
   * Starts a task and returns its id.
   *
   * @throws HttpStatusException with status 503 if {@link #MAX_TASKS} tasks are kept already
   */
  String start() {
    String id = UUID.randomUUID().toString();
    // At most STEPS + 1 values, so replaying them all is bounded.
    Sinks.Many<Integer> progress = Sinks.many().replay().all();
    register(id, progress);
    Flux.interval(step)
        .take(STEPS)
        .map(n -> (int) (n + 1) * 100 / STEPS)
        .startWith(0)
        // One emitter thread at a time: interval signals serially.
        .doOnNext(percent -> progress.tryEmitNext(percent))
        .doOnComplete(progress::tryEmitComplete)
        .then(Mono.delay(retention))
        .subscribe(ignored -> tasks.remove(id));
    return id;
  }

  /**
   * Returns the progress of a task as events, after the percentage the client saw last.
   *
   * @throws HttpStatusException with status 404 if no such task is known
   */
  Flux<MessageEvent> progress(String taskId, @Nullable String lastEventId) {
    Sinks.Many<Integer> progress = tasks.get(taskId);
    if (progress == null) {
      throw HttpStatusException.notFound("no such task");
    }
    int seen = seen(lastEventId);
    return progress
        .asFlux()
        .filter(percent -> percent > seen)
        .map(
            percent ->
                MessageEvent.builder()
                    .id(Integer.toString(percent))
                    .data(new Progress(taskId, percent))
                    .build());
  }

  private synchronized void register(String id, Sinks.Many<Integer> progress) {
    if (tasks.size() >= MAX_TASKS) {
      throw new HttpStatusException(503, "too many tasks; try again later");
    }
    tasks.put(id, progress);
  }

  /** Returns the number of tasks kept now. */
  /** Returns whether a task with this id is known (running, or finished and still retained). */
  boolean contains(String taskId) {
    return tasks.containsKey(taskId);
  }

  int size() {
    return tasks.size();
  }

  private static int seen(@Nullable String lastEventId) {
    if (lastEventId == null) {
      return -1;
    }
    try {
      return Integer.parseInt(lastEventId);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
