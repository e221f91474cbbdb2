package dev.herald.examples;

import dev.herald.server.Controller;
import dev.herald.server.Get;
import dev.herald.server.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the demo page at {@code GET /}: a browser's {@code EventSource} showing the interval
 * stream, the feed and a task's progress. The page is read once, from the class path. Thread-safe.
 */
@Controller
final class PageController {
  private static final String PAGE = "index.html";

  private final Response page;

  PageController() {
    this.page =
        Response.builder(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .header("Cache-Control", "no-cache")
            .header("X-Content-Type-Options", "nosniff")
            .body(read(PAGE))
            .build();
  }

  @Get
  Response index() {
    return page;
  }

  private static byte[] read(String name) {
    try (InputStream in = PageController.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to PageController");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
