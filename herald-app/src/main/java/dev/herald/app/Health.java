package dev.herald.app;

import dev.herald.server.HeraldServer;
import dev.herald.server.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code GET /healthz} (200 {@code ok} while the process serves) and {@code GET /readyz}
 * (200 {@code ready} when every readiness check passes, else 503 naming those that fail).
 *
 * <p>Checks run on a handler thread for each {@code /readyz} request, so they must be cheap and
 * must not block for long (read a flag a background task keeps up to date). Thread-safe.
 */
final class Health {
  /** The liveness path. */
  static final String LIVE = "/healthz";

  /** The readiness path. */
  static final String READY = "/readyz";

  private final List<Map.Entry<String, BooleanSupplier>> checks = new CopyOnWriteArrayList<>();

  /** Adds a named readiness check; the name shows in a {@code 503} body when it fails. */
  Health check(String name, BooleanSupplier ready) {
    checks.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(ready)));
    return this;
  }

  /** Returns the names of the checks that fail now; empty when ready. */
  List<String> failing() {
    List<String> failing = new ArrayList<>();
    for (Map.Entry<String, BooleanSupplier> check : checks) {
      boolean ready;
      try {
        ready = check.getValue().getAsBoolean();
      } catch (RuntimeException e) {
        ready = false;
      }
      if (!ready) {
        failing.add(check.getKey());
      }
    }
    return failing;
  }

  /** Adds the two routes to a server. */
  HeraldServer.Builder install(HeraldServer.Builder server) {
    return server
        .get(LIVE, request -> text(200, "ok"))
        .get(
            READY,
            request -> {
              List<String> failing = failing();
              return failing.isEmpty()
                  ? text(200, "ready")
                  : text(503, "not ready: " + String.join(", ", failing));
            });
  }

  private static Response text(int status, String body) {
    return Response.builder(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .header("Cache-Control", "no-store")
        .body(body + "\n")
        .build();
  }
}
