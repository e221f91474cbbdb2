package dev.herald.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.Cors;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** Every option of a server, validated by the public builder. */
public record ServerConfig(
    String host,
    int port,
    List<Route> routes,
    @Nullable Executor executor,
    int maxHandlerThreads,
    Duration heartbeat,
    @Nullable Duration retry,
    Duration streamIdleTimeout,
    Duration idleTimeout,
    int maxBufferedBytes,
    int maxBodySize,
    int maxHeaderSize,
    int maxRequestLine,
    int maxConnections,
    int maxConnectionsPerAddress,
    Duration writeTimeout,
    boolean accessLog,
    @Nullable Cors cors,
    boolean compression,
    ObjectMapper objectMapper,
    @Nullable SslContext sslContext,
    boolean http2) {

  public ServerConfig {
    routes = List.copyOf(routes);
  }
}
