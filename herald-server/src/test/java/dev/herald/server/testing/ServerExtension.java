package dev.herald.server.testing;

import dev.herald.server.HeraldServer;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link HeraldServer} on a free loopback port before each test and stops it after.
 *
 * <pre>{@code
 * @RegisterExtension
 * final ServerExtension server = new ServerExtension(b -> b.get("/hi", r -> "hi"));
 * }</pre>
 */
public final class ServerExtension implements BeforeEachCallback, AfterEachCallback {
  private final Consumer<HeraldServer.Builder> configurer;
  private HeraldServer server;

  public ServerExtension(Consumer<HeraldServer.Builder> configurer) {
    this.configurer = configurer;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    HeraldServer.Builder builder = HeraldServer.builder().host("127.0.0.1").port(0);
    configurer.accept(builder);
    server = builder.build().start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  public HeraldServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }
}
