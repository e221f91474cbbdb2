package dev.herald.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Script servers, event sources and anything else a test opens, closed after each test in the order
 * they were opened.
 *
 * <pre>{@code
 * @RegisterExtension final Scripted scripted = new Scripted();
 * }</pre>
 */
final class Scripted implements AfterEachCallback {
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

  /** Returns a builder that reconnects after 20 ms, backing off to 200 ms at most. */
  static EventSource.Builder fast(URI uri, HttpClient.Version version) {
    return EventSource.builder(uri)
        .version(version)
        .reconnectTime(Duration.ofMillis(20))
        .maxReconnectTime(Duration.ofMillis(200));
  }

  /** Starts a server running the script, closed after the test. */
  ScriptServer server(ScriptServer.Script script) {
    return closeAfter(ScriptServer.start(script));
  }

  /** Builds an event source, closed after the test. */
  EventSource open(EventSource.Builder builder) {
    return closeAfter(builder.build());
  }

  /** Closes the resource after the test; returns it. */
  <T extends AutoCloseable> T closeAfter(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    resources.clear();
  }
}
