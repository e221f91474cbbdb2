package dev.herald.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.server.internal.ControllerBinder;
import dev.herald.server.internal.NettyServer;
import dev.herald.server.internal.Route;
import dev.herald.server.internal.ServerConfig;
import dev.herald.server.internal.ServerStatsView;
import dev.herald.server.internal.TlsContexts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP server whose routes answer with single responses or with streams of Server-Sent Events.
 *
 * <pre>{@code
 * HeraldServer server = HeraldServer.builder()
 *     .port(8080)
 *     .sse("/jobs/:id/events", request -> jobs.progress(request.pathParam("id")))
 *     .get("/health", request -> "ok")
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>A server is started once and stopped once; {@link #close()} stops it too. Thread-safe.
 */
public final class HeraldServer implements AutoCloseable {
  private final NettyServer server;
  private final ServerStats stats;

  private HeraldServer(NettyServer server) {
    this.server = server;
    this.stats = new ServerStatsView(server);
  }

  /**
   * Returns the engine, started or not. For herald-benchmarks' {@code FanOutBenchmark}, which runs
   * an unstarted server's connections on embedded channels.
   */
  NettyServer engine() {
    return server;
  }

  /** Returns a new builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts accepting connections; returns this server.
   *
   * @throws IllegalStateException if the server was started before, or the port cannot be bound
   */
  public HeraldServer start() {
    server.start();
    return this;
  }

  /**
   * Returns the port the server is bound to: the real one when it was configured as {@code 0}.
   *
   * @throws IllegalStateException if the server is not running
   */
  public int port() {
    return server.localAddress().getPort();
  }

  /**
   * Returns the address the server is bound to.
   *
   * @throws IllegalStateException if the server is not running
   */
  public InetSocketAddress localAddress() {
    return server.localAddress();
  }

  /** Returns the number of connections open now. */
  public int connectionCount() {
    return server.connectionCount();
  }

  /** Returns whether the server speaks HTTPS ({@link Builder#tls(Tls)}). */
  public boolean isTls() {
    return server.config().sslContext() != null;
  }

  /** Returns the number of SSE streams open now. */
  public int streamCount() {
    return server.streamCount();
  }

  /**
   * Returns the server's counters: open connections and streams, bytes written, slow-consumer cuts.
   * Valid from {@code build()} on, before, during and after running; reading them costs the server
   * nothing.
   */
  public ServerStats stats() {
    return stats;
  }

  /**
   * Stops the server: stops accepting, ends every open stream (each publisher is cancelled once),
   * closes every connection and releases the threads. Waits at most the given time for handlers in
   * flight. Does nothing if the server is not running.
   */
  public void stop(Duration timeout) {
    server.stop(timeout);
  }

  /** Stops the server, waiting at most 10 seconds; see {@link #stop(Duration)}. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  /** Builds a {@link HeraldServer}. Not thread-safe. */
  public static final class Builder {
    /** The default limit on bytes buffered for one slow SSE client: {@value} (1 MiB). */
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;

    /** The default limit on request body size: {@value} bytes (1 MiB). */
    public static final int DEFAULT_MAX_BODY_SIZE = 1 << 20;

    /** The default limit on the size of all request headers: {@value} bytes. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

    /** The default limit on the request line: {@value} bytes. */
    public static final int DEFAULT_MAX_REQUEST_LINE = 8 * 1024;

    /** The default most open connections: {@value}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /** The default write timeout: 30 seconds. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** The default most handler threads: {@value}. */
    public static final int DEFAULT_MAX_HANDLER_THREADS = 200;

    private String host = "0.0.0.0";
    private int port = 8080;
    private final List<Route> routes = new ArrayList<>();
    private final List<Object> controllers = new ArrayList<>();
    private final Map<Class<?>, Guard> guards = new LinkedHashMap<>();
    private @Nullable Executor executor;
    private int maxHandlerThreads = DEFAULT_MAX_HANDLER_THREADS;
    private Duration heartbeat = Duration.ofSeconds(15);
    private @Nullable Duration retry;
    private Duration streamIdleTimeout = Duration.ZERO;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private int maxRequestLine = DEFAULT_MAX_REQUEST_LINE;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private boolean accessLog;
    private @Nullable Cors cors;
    private boolean compression = true;
    private @Nullable Tls tls;
    private boolean http2 = true;
    private ObjectMapper objectMapper = JsonMapper.builder().findAndAddModules().build();

    private Builder() {}

    /** Sets the address to bind; default {@code 0.0.0.0} (every interface). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Sets the port to bind; default 8080; {@code 0} picks a free port, which {@link
     * HeraldServer#port()} then reports.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /** Adds a {@code GET} route (also answering {@code HEAD}); the guards run first, in order. */
    public Builder get(String path, Handler handler, Guard... guards) {
      return route("GET", path, handler, guards);
    }

    /** Adds a {@code POST} route; the guards run first, in order. */
    public Builder post(String path, Handler handler, Guard... guards) {
      return route("POST", path, handler, guards);
    }

    /** Adds a {@code PUT} route; the guards run first, in order. */
    public Builder put(String path, Handler handler, Guard... guards) {
      return route("PUT", path, handler, guards);
    }

    /** Adds a {@code DELETE} route; the guards run first, in order. */
    public Builder delete(String path, Handler handler, Guard... guards) {
      return route("DELETE", path, handler, guards);
    }

    /**
     * Adds a {@code GET} route answered with a stream of Server-Sent Events; the guards run first,
     * in order. Path templates name parameters with a colon: {@code /jobs/:id/events}.
     */
    public Builder sse(String path, SseHandler handler, Guard... guards) {
      routes.add(Route.sse(path, handler, List.of(guards)));
      return this;
    }

    /**
     * Adds the routes of an annotated controller: a class annotated {@link Controller} whose
     * methods carry {@link Get}, {@link Post}, {@link Put}, {@link Delete} or {@link Sse}. Its
     * methods are bound when {@link #build()} runs, which fails naming the method if a signature
     * cannot be bound.
     */
    public Builder controller(Object controller) {
      controllers.add(Objects.requireNonNull(controller, "controller"));
      return this;
    }

    /**
     * Registers a guard instance for {@link UseGuards} to find by its class. A guard class that is
     * not registered is created with its public no-argument constructor.
     */
    public Builder guard(Guard guard) {
      guards.put(guard.getClass(), guard);
      return this;
    }

    /**
     * Sets the executor that runs guards and handlers; default a pool of at most {@link
     * #maxHandlerThreads(int)} threads, shut down with the server. A request the executor rejects
     * is answered with {@code 503}. The caller owns an executor given here.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the most threads of the default handler executor; default {@value
     * #DEFAULT_MAX_HANDLER_THREADS}.
     */
    public Builder maxHandlerThreads(int maxHandlerThreads) {
      this.maxHandlerThreads = positive("maxHandlerThreads", maxHandlerThreads);
      return this;
    }

    /**
     * Sets how long an SSE stream may stay silent before the server writes a comment frame, which
     * keeps proxies from closing it; default 15 seconds; {@link Duration#ZERO} turns heartbeats
     * off.
     */
    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = nonNegative("heartbeat", heartbeat);
      return this;
    }

    /**
     * Sets the reconnection time sent as {@code retry:} in the first frame of every SSE stream;
     * default none (clients keep their own, about 3 seconds in browsers).
     */
    public Builder retry(@Nullable Duration retry) {
      this.retry = retry == null ? null : nonNegative("retry", retry);
      return this;
    }

    /**
     * Sets how long an SSE stream may go without an event (heartbeats do not count) before the
     * server ends it; default {@link Duration#ZERO}, never.
     */
    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = nonNegative("streamIdleTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a connection may stay open without a request in progress before the server
     * closes it; default 60 seconds; {@link Duration#ZERO} for never. Open SSE streams are not
     * idle.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative("idleTimeout", timeout);
      return this;
    }

    /**
     * Sets the most bytes buffered for one SSE client that reads more slowly than events arrive;
     * default {@value #DEFAULT_MAX_BUFFERED_BYTES}. Past it the stream is closed (the client can
     * reconnect and resume with {@code Last-Event-ID}). One event larger than the bound is still
     * written when nothing else is buffered.
     */
    public Builder maxBufferedBytes(int maxBufferedBytes) {
      this.maxBufferedBytes = positive("maxBufferedBytes", maxBufferedBytes);
      return this;
    }

    /**
     * Sets the largest request body accepted; default {@value #DEFAULT_MAX_BODY_SIZE}; larger →
     * 413.
     */
    public Builder maxBodySize(int maxBodySize) {
      this.maxBodySize = positive("maxBodySize", maxBodySize);
      return this;
    }

    /**
     * Sets the largest size of all request headers; default {@value #DEFAULT_MAX_HEADER_SIZE};
     * larger → 431.
     */
    public Builder maxHeaderSize(int maxHeaderSize) {
      this.maxHeaderSize = positive("maxHeaderSize", maxHeaderSize);
      return this;
    }

    /** Sets the longest request line; default {@value #DEFAULT_MAX_REQUEST_LINE}; longer → 414. */
    public Builder maxRequestLine(int maxRequestLine) {
      this.maxRequestLine = positive("maxRequestLine", maxRequestLine);
      return this;
    }

    /**
     * Sets the most connections open at once; default {@value #DEFAULT_MAX_CONNECTIONS}; {@code 0}
     * for no limit. The first request of a connection past it is answered with {@code 503}, {@code
     * Retry-After} and a short text, and the connection closed.
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = nonNegative("maxConnections", maxConnections);
      return this;
    }

    /**
     * Sets the most connections open at once from one client IP address; default {@code 0}, no
     * limit (clients behind one proxy or NAT share an address). The first request of a connection
     * past it is answered with {@code 429}, {@code Retry-After} and a short text, and the
     * connection closed.
     */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      this.maxConnectionsPerAddress =
          nonNegative("maxConnectionsPerAddress", maxConnectionsPerAddress);
      return this;
    }

    /**
     * Sets how long output may wait without any of it reaching the client before the connection is
     * closed; default 30 seconds; {@link Duration#ZERO} for never. This cuts a client that stops
     * reading in the middle of an SSE stream or a download (its publisher is cancelled, its source
     * closed) while a slow client that keeps reading is served. The check runs every half timeout,
     * so a stalled connection closes between one and one and a half timeouts after its last
     * progress.
     */
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = nonNegative("writeTimeout", writeTimeout);
      return this;
    }

    /**
     * Sets whether each request is logged to the logger {@code dev.herald.access} at {@code INFO}:
     * client address, method, request target, status, bytes, duration (an SSE stream when it ends);
     * default false. Headers are never logged, and the values of query parameters that may carry a
     * credential ({@code authorization}, {@code access_token}, {@code token}, {@code signature})
     * are masked.
     */
    public Builder accessLog(boolean accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    /** Allows cross-origin requests as configured; default none allowed. */
    public Builder cors(@Nullable Cors cors) {
      this.cors = cors;
      return this;
    }

    /**
     * Sets whether single responses may be compressed when the client accepts it; default true. SSE
     * streams are never compressed, so no compressor can hold back an event.
     */
    public Builder compression(boolean compression) {
      this.compression = compression;
      return this;
    }

    /**
     * Serves HTTPS with this certificate and key; default none (plain HTTP). With {@link
     * #http2(boolean) HTTP/2} on, clients that offer it by ALPN get HTTP/2, others HTTP/1.1.
     */
    public Builder tls(@Nullable Tls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Sets whether HTTP/2 is served: over TLS to clients that choose it by ALPN, and in cleartext
     * (h2c) to clients that start with the HTTP/2 preface (prior knowledge) or ask with {@code
     * Upgrade: h2c}; default true. Every stream of a connection is a request of its own, with the
     * same routes, guards, limits, SSE backpressure and downloads as over HTTP/1.1.
     */
    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    /**
     * Sets the Jackson mapper for JSON bodies and event data; default a plain {@code JsonMapper}.
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
      return this;
    }

    /**
     * Returns a server with these routes and options, not started yet.
     *
     * @throws IllegalArgumentException if a route template is malformed, two routes clash, or a
     *     controller method cannot be bound (the message names it)
     */
    public HeraldServer build() {
      List<Route> all = new ArrayList<>(routes);
      ControllerBinder binder = new ControllerBinder(guards);
      for (Object controller : controllers) {
        all.addAll(binder.bind(controller));
      }
      ServerConfig config =
          new ServerConfig(
              host,
              port,
              all,
              executor,
              maxHandlerThreads,
              heartbeat,
              retry,
              streamIdleTimeout,
              idleTimeout,
              maxBufferedBytes,
              maxBodySize,
              maxHeaderSize,
              maxRequestLine,
              maxConnections,
              maxConnectionsPerAddress,
              writeTimeout,
              accessLog,
              cors,
              compression,
              objectMapper,
              tls == null
                  ? null
                  : TlsContexts.server(tls.certificatePem(), tls.privateKeyPem(), http2),
              http2);
      return new HeraldServer(new NettyServer(config));
    }

    private Builder route(String method, String path, Handler handler, Guard... guards) {
      routes.add(Route.of(method, path, handler, List.of(guards)));
      return this;
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }

    private static int nonNegative(String name, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
      }
      return value;
    }

    private static Duration nonNegative(String name, Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
      }
      return value;
    }
  }
}
