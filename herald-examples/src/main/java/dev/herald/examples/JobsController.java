package dev.herald.examples;

import dev.herald.server.Controller;
import dev.herald.server.Get;
import dev.herald.server.HttpStatusException;
import dev.herald.server.LastEventId;
import dev.herald.server.Param;
import dev.herald.server.Post;
import dev.herald.server.Request;
import dev.herald.server.Response;
import dev.herald.server.SignedLinks;
import dev.herald.server.Sse;
import dev.herald.server.StreamableFile;
import dev.herald.sse.MessageEvent;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * The lesson's {@code JobsController}: a job's progress as events, and its CSV export streamed from
 * a plain, signed link (the lesson's "pre-signed URL" advice, in-process), so a browser can fetch a
 * private export without sending a header.
 */
@Controller("jobs")
final class JobsController {
  /** Rows in an export: enough that holding it in memory would show. */
  static final long EXPORT_ROWS = 1_000_000;

  /** How long an export link is valid. */
  static final Duration LINK_TTL = Duration.ofMinutes(15);

  /** The answer to {@code POST /jobs}. */
  record JobStarted(String jobId, String events, String export) {}

  private final TaskService jobs;
  private final SignedLinks links;

  JobsController(TaskService jobs, SignedLinks links) {
    this.jobs = jobs;
    this.links = links;
  }

  @Post
  Response start() {
    String id = jobs.start();
    return Response.builder(202)
        .json(new JobStarted(id, "/jobs/" + id + "/events", exportLink(id)))
        .build();
  }

  @Sse(":id/events")
  Flux<MessageEvent> events(@Param("id") String id, @LastEventId @Nullable String lastEventId) {
    return jobs.progress(id, lastEventId);
  }

  @Get(":id/export")
  StreamableFile export(@Param("id") String id, Request request) {
    links.verify(request.uri()); // 403 when unsigned, tampered or expired
    if (!jobs.contains(id)) {
      throw HttpStatusException.notFound("no such job");
    }
    return StreamableFile.of(new CsvExport(id, EXPORT_ROWS))
        .contentType("text/csv; charset=utf-8")
        .attachment("job-" + id + ".csv");
  }

  private String exportLink(String id) {
    return links.sign("/jobs/" + id + "/export", LINK_TTL);
  }
}
