package dev.herald.app;

import dev.herald.server.HeraldServer;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard page at {@code /}: static assets from this module's resources ({@code
 * dev/herald/app/dashboard/}), Chart.js from its WebJar on the class path, and the hub's stats
 * stream at {@code /dashboard/stats} (see {@link StatsStream}). Every asset is read once, at
 * construction, and served from memory.
 */
final class Dashboard {
  /** The path of the stats stream. */
  static final String STATS_PATH = "/dashboard/stats";

  private static final String RESOURCES = "/dev/herald/app/dashboard/";
  private static final String CHART_JS_POM = "/META-INF/maven/org.webjars/chartjs/pom.properties";

  /**
   * Scripts and styles from this origin only; no inline script. The page may be framed by pages of
   * its own origin only.
   */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'self'";

  private record Asset(String contentType, byte[] bytes) {}

  private final Asset page;
  private final Map<String, Asset> assets;
  private final StatsStream stats;

  /**
   * Loads the assets.
   *
   * @throws IllegalStateException if one is missing from the class path
   */
  Dashboard(StatsStream stats) {
    this.stats = stats;
    this.page = resource(RESOURCES + "index.html", "text/html; charset=utf-8");
    String chartJs = "/META-INF/resources/webjars/chartjs/" + chartJsVersion() + "/dist/";
    this.assets =
        Map.of(
            "dashboard.js", resource(RESOURCES + "dashboard.js", "text/javascript; charset=utf-8"),
            "dashboard.css", resource(RESOURCES + "dashboard.css", "text/css; charset=utf-8"),
            "chart.umd.js", resource(chartJs + "chart.umd.js", "text/javascript; charset=utf-8"));
  }

  /** Adds the page, its assets and the stats stream to a server under construction. */
  void install(HeraldServer.Builder server) {
    server
        .get("/", request -> respond(page))
        .get("/dashboard/:file", this::asset)
        .sse(STATS_PATH, request -> stats.publisher());
  }

  private Response asset(Request request) {
    Asset asset = assets.get(request.pathParam("file"));
    if (asset == null) {
      throw HttpStatusException.notFound("no such file");
    }
    return respond(asset);
  }

  private static Response respond(Asset asset) {
    return Response.builder(200)
        .header("Content-Type", asset.contentType())
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("Referrer-Policy", "no-referrer")
        .body(asset.bytes())
        .build();
  }

  private static String chartJsVersion() {
    try (InputStream in = Dashboard.class.getResourceAsStream(CHART_JS_POM)) {
      if (in == null) {
        throw new IllegalStateException("Chart.js WebJar missing from the class path");
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Asset resource(String path, String contentType) {
    try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("dashboard asset missing from the class path: " + path);
      }
      return new Asset(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
