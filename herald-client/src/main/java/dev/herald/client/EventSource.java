package dev.herald.client;

import dev.herald.client.internal.EventSourcePublisher;
import dev.herald.client.internal.Listeners;
import dev.herald.client.internal.SourceConfig;
import dev.herald.client.internal.SourceLoop;
import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A client for a {@code text/event-stream}, like the browser's {@code EventSource} (WHATWG HTML
 * §9.2), on the JDK's {@link HttpClient} over HTTP/1.1 or HTTP/2.
 *
 * <pre>{@code
 * EventSource events = EventSource.builder(URI.create("https://example.com/updates")).build();
 * events.on("price", e -> System.out.println(e.dataString()));
 * events.onError(error -> System.err.println("reconnecting: " + error));
 * events.start();
 * ...
 * events.close();
 * }</pre>
 *
 * <p><b>Connection.</b> Each request sends {@code Accept: text/event-stream} and {@code
 * Cache-Control: no-cache}, the configured headers and, when a {@linkplain Builder#token(Supplier)
 * token supplier} is set, {@code Authorization: Bearer} with a token fetched anew for each
 * connection. Only a {@code 200} with a {@code Content-Type} whose essence is {@code
 * text/event-stream} opens the stream (state {@link ReadyState#OPEN OPEN}, open listeners called).
 * Redirects 301, 302, 303, 307 and 308 are followed (at most 20 per connection; 303, and 301/302
 * after a POST, turn into GET; {@code Authorization} is not sent to another origin; {@code https}
 * to {@code http} is refused); each reconnection starts again from the configured URI, as the
 * specification says. A {@code 204} closes the source without an error: the server's way to say
 * stop. A {@code 503} or {@code 429} with a {@code Retry-After} is retried after the delay it
 * gives. Any other response is a failure, and so is an event larger than {@link
 * Builder#maxEventSize(int)} (an {@link dev.herald.sse.SseParseException}): the {@link
 * ErrorStrategy} decides whether to reconnect (by default it does not, as browsers do not).
 *
 * <p><b>Reconnection.</b> When the stream ends, the connection breaks, or no byte (not even a
 * heartbeat comment) arrives for the {@linkplain Builder#readTimeout(Duration) read timeout}, the
 * partial event is discarded, the error listeners are called with the state already {@link
 * ReadyState#CONNECTING CONNECTING}, and the source reconnects after the reconnection time (set by
 * the server's {@code retry:} field, {@value #DEFAULT_RECONNECT_MILLIS} ms until then), doubled
 * after each failure in a row up to {@link Builder#maxReconnectTime(Duration)}, plus a random
 * jitter of up to half of that. The failure count restarts once a stream has stayed open for the
 * {@linkplain Builder#backoffResetThreshold(Duration) backoff reset threshold}. A reconnection
 * sends {@code Last-Event-ID} with the last event id string, unless the stream set it to empty
 * ({@code id:} with no value), and the new stream's events without an {@code id} report that id.
 * The id goes as its UTF-8 bytes. The JDK client can send bytes outside ASCII only over HTTP/2 (its
 * HTTP/1.1 encoder writes {@code ?} for them), so when a response to a request with such an id
 * comes over HTTP/1.1, the client does not read it (the server got a wrong id) and fails with an
 * {@link IllegalStateException}, judged by the {@link ErrorStrategy}; so does an id with a control
 * character, which the JDK client refuses outright. (Over a new plain-HTTP connection the JDK asks
 * for HTTP/2 with an HTTP/1.1 {@code h2c} upgrade request, whose header it encodes the same way;
 * that case is not detected.) Ids made of ASCII, like Mercure's {@code urn:uuid:}, are unaffected.
 *
 * <p><b>Threads.</b> Each event source has one thread of its own, {@code herald-eventsource-N} (a
 * daemon thread, made on {@link #start()} and ended on close). It runs the connection state machine
 * and calls every listener, one call at a time, in stream order; so a slow listener delays the next
 * events, and while it runs no more bytes are read from the connection. Listeners may be added from
 * any thread, at any time, and take effect from the next event. All methods are thread-safe. A
 * listener that throws does not end the stream: its exception goes to the error listeners.
 */
public final class EventSource implements AutoCloseable {
  /** The default reconnection time, until the server sends {@code retry:}: {@value} ms. */
  public static final long DEFAULT_RECONNECT_MILLIS = 3000;

  /** The default longest wait between reconnections: {@value} ms. */
  public static final long DEFAULT_MAX_RECONNECT_MILLIS = 30_000;

  /** The default time a stream must stay open to restart the backoff: {@value} ms. */
  public static final long DEFAULT_BACKOFF_RESET_MILLIS = 60_000;

  /**
   * The default read timeout: {@value} ms, three times the usual 15-second heartbeat, so that one
   * late heartbeat does not cause a reconnection.
   */
  public static final long DEFAULT_READ_TIMEOUT_MILLIS = 45_000;

  /** The default buffer of a {@link Flow.Publisher} subscriber or an iterator: {@value} events. */
  public static final int DEFAULT_BUFFER_SIZE = 256;

  /** The state of an event source, as the browser's {@code readyState}. */
  public enum ReadyState {
    /** Connecting or waiting to reconnect; also before {@link #start()}. */
    CONNECTING,
    /** A stream is open. */
    OPEN,
    /** Closed for good: by {@link #close()}, a {@code 204}, or a failure. */
    CLOSED
  }

  private final SourceConfig config;
  private final Listeners listeners = new Listeners();
  private final SourceLoop loop;

  private EventSource(SourceConfig config) {
    this.config = config;
    this.loop = new SourceLoop(config, listeners);
  }

  /** Returns a builder for an event source reading the given {@code http} or {@code https} URI. */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** Returns a builder holding this source's configuration. */
  public Builder toBuilder() {
    return new Builder(config);
  }

  /** Adds a listener for every event, whatever its type. Returns this source. */
  public EventSource onMessage(Consumer<? super MessageEvent> listener) {
    listeners.addEvent(null, listener);
    return this;
  }

  /**
   * Adds a listener for the events of one type (the {@code event:} field); {@value
   * MessageEvent#DEFAULT_TYPE} is the type of events without one. Returns this source.
   */
  public EventSource on(String type, Consumer<? super MessageEvent> listener) {
    listeners.addEvent(Objects.requireNonNull(type, "type"), listener);
    return this;
  }

  /** Adds a listener called each time a stream opens, first and after reconnections. */
  public EventSource onOpen(Runnable listener) {
    listeners.addOpen(listener);
    return this;
  }

  /**
   * Adds a listener for errors. The state tells what follows: {@link ReadyState#CONNECTING} if the
   * source reconnects, {@link ReadyState#CLOSED} if it gives up. Errors are the failures of {@link
   * ErrorStrategy}, {@link java.io.IOException}s of the connection ({@link java.io.EOFException}
   * when the server ended the stream, {@link java.net.http.HttpTimeoutException} for a read
   * timeout), and exceptions thrown by other listeners.
   */
  public EventSource onError(Consumer<? super Throwable> listener) {
    listeners.addError(listener);
    return this;
  }

  /** Adds a listener called once when the source closes, for whatever reason, after all else. */
  public EventSource onClosed(Runnable listener) {
    listeners.addClosed(listener);
    return this;
  }

  /** Starts connecting, in the background; later calls do nothing. Returns this source. */
  public EventSource start() {
    loop.start();
    return this;
  }

  /** Returns the state. */
  public ReadyState readyState() {
    return loop.readyState();
  }

  /**
   * Returns the last event id string: what the next reconnection sends as {@code Last-Event-ID};
   * empty for none.
   */
  public String lastEventId() {
    return loop.lastEventId();
  }

  /** Returns the reconnection time: the configured one, or the server's latest {@code retry:}. */
  public Duration reconnectTime() {
    return loop.reconnectTime();
  }

  /** Returns the URI the source connects to. */
  public URI uri() {
    return config.uri();
  }

  /**
   * Closes the source: cancels the response body at once, which closes an HTTP/1.1 connection or
   * resets an HTTP/2 stream, stops reconnecting, and then calls the close listeners on the source's
   * thread. A listener call already under way may finish, but no new event is dispatched.
   * Idempotent; may be called from a listener.
   */
  @Override
  public void close() {
    loop.close();
  }

  @Override
  public String toString() {
    return "EventSource{" + config.uri() + ", " + readyState() + "}";
  }

  /**
   * Builds an {@link EventSource}, a {@link Flow.Publisher} of events, or an {@link EventIterator}.
   * Not thread-safe.
   */
  public static final class Builder {
    private final URI uri;
    private String method = "GET";
    private HttpRequest.@Nullable BodyPublisher body;
    private final List<SourceConfig.Header> headers = new ArrayList<>();
    private @Nullable Supplier<String> token;
    private String lastEventId = "";
    private Duration reconnectTime = Duration.ofMillis(DEFAULT_RECONNECT_MILLIS);
    private Duration maxReconnectTime = Duration.ofMillis(DEFAULT_MAX_RECONNECT_MILLIS);
    private Duration backoffResetThreshold = Duration.ofMillis(DEFAULT_BACKOFF_RESET_MILLIS);
    private Duration readTimeout = Duration.ofMillis(DEFAULT_READ_TIMEOUT_MILLIS);
    private int maxEventSize = SseParser.DEFAULT_MAX_EVENT_SIZE;
    private ErrorStrategy errorStrategy = ErrorStrategy.stop();
    private @Nullable HttpClient client;
    private HttpClient.@Nullable Version version;
    private int bufferSize = DEFAULT_BUFFER_SIZE;

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("uri: " + uri + " (expected: an http or https URI)");
      }
      this.uri = uri;
    }

    private Builder(SourceConfig config) {
      this.uri = config.uri();
      this.method = config.method();
      this.body = config.body();
      this.headers.addAll(config.headers());
      this.token = config.token();
      this.lastEventId = config.lastEventId();
      this.reconnectTime = config.reconnectTime();
      this.maxReconnectTime = config.maxReconnectTime();
      this.backoffResetThreshold = config.backoffResetThreshold();
      this.readTimeout = config.readTimeout();
      this.maxEventSize = config.maxEventSize();
      this.errorStrategy = config.errorStrategy();
      this.client = config.client();
      this.version = config.version();
      this.bufferSize = config.bufferSize();
    }

    /**
     * Sets the method and body of the request; default {@code GET} without a body. The body
     * publisher is subscribed to again for each connection, so it must be reusable, as the
     * publishers of {@link HttpRequest.BodyPublishers} are (except {@code ofInputStream} with a
     * one-shot stream).
     */
    public Builder method(String method, HttpRequest.@Nullable BodyPublisher body) {
      this.method = Objects.requireNonNull(method, "method");
      this.body = body;
      return this;
    }

    /**
     * Adds a request header sent on every connection; a later value for the same name replaces an
     * earlier one. It may replace {@code Accept} and {@code Cache-Control}.
     *
     * @throws IllegalArgumentException if the HTTP client refuses the name or value (such as {@code
     *     Host} or {@code Connection}), or the name is {@code Last-Event-ID}: use {@link
     *     #lastEventId(String)}
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.equalsIgnoreCase("Last-Event-ID")) {
        throw new IllegalArgumentException("header: Last-Event-ID (expected: use lastEventId())");
      }
      HttpRequest.newBuilder().header(name, value);
      headers.add(new SourceConfig.Header(name, value));
      return this;
    }

    /**
     * Sets a supplier of the bearer token sent as {@code Authorization: Bearer <token>}; default
     * none. It is called on the source's thread before each connection, so a fresh token is used
     * after one expires; it may block. If it throws, the connection attempt fails, and the {@link
     * ErrorStrategy} decides whether to try again.
     */
    public Builder token(@Nullable Supplier<String> token) {
      this.token = token;
      return this;
    }

    /**
     * Sets the last event id to start from: sent as {@code Last-Event-ID} on the first request too,
     * and reported by events without an {@code id}. Default empty: none.
     *
     * @throws IllegalArgumentException if it contains CR, LF or NUL
     */
    public Builder lastEventId(String lastEventId) {
      Objects.requireNonNull(lastEventId, "lastEventId");
      SseParser.builder().lastEventId(lastEventId).build(event -> {});
      this.lastEventId = lastEventId;
      return this;
    }

    /**
     * Sets the reconnection time used until the server sends {@code retry:}; default {@value
     * EventSource#DEFAULT_RECONNECT_MILLIS} ms.
     */
    public Builder reconnectTime(Duration reconnectTime) {
      this.reconnectTime = nonNegative("reconnectTime", reconnectTime);
      return this;
    }

    /**
     * Sets the longest wait the backoff grows to; default {@value
     * EventSource#DEFAULT_MAX_RECONNECT_MILLIS} ms. A server's {@code retry:} above it is honoured
     * anyway.
     */
    public Builder maxReconnectTime(Duration maxReconnectTime) {
      this.maxReconnectTime = nonNegative("maxReconnectTime", maxReconnectTime);
      return this;
    }

    /**
     * Sets how long a stream must stay open for the next failure to count as the first in a row
     * again; default {@value EventSource#DEFAULT_BACKOFF_RESET_MILLIS} ms.
     */
    public Builder backoffResetThreshold(Duration threshold) {
      this.backoffResetThreshold = nonNegative("backoffResetThreshold", threshold);
      return this;
    }

    /**
     * Sets how long to wait for bytes before reconnecting; default {@value
     * EventSource#DEFAULT_READ_TIMEOUT_MILLIS} ms; {@link Duration#ZERO} for no limit. It also
     * bounds the wait for the response head. Keep it above the server's heartbeat interval. The
     * time the consumer takes (a slow listener, a subscriber without demand) does not count.
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = nonNegative("readTimeout", readTimeout);
      return this;
    }

    /**
     * Sets the largest event data accepted, in UTF-8 bytes; default {@value
     * SseParser#DEFAULT_MAX_EVENT_SIZE} (16 MiB). A larger event, or a line longer than this plus
     * 64 bytes, fails the stream with an {@link dev.herald.sse.SseParseException}, which the error
     * listeners receive and the {@link ErrorStrategy} judges.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder maxEventSize(int maxEventSize) {
      if (maxEventSize <= 0) {
        throw new IllegalArgumentException("maxEventSize: " + maxEventSize + " (expected: > 0)");
      }
      this.maxEventSize = maxEventSize;
      return this;
    }

    /**
     * Sets what to do after a failure (see {@link ErrorStrategy}); default {@link
     * ErrorStrategy#stop()}.
     */
    public Builder errorStrategy(ErrorStrategy errorStrategy) {
      this.errorStrategy = Objects.requireNonNull(errorStrategy, "errorStrategy");
      return this;
    }

    /**
     * Sets the HTTP client; default one shared by the sources built without one, which does not
     * follow redirects itself (this class does) and prefers HTTP/2 (negotiated with ALPN over TLS,
     * or by an {@code h2c} upgrade over plain HTTP, falling back to HTTP/1.1). The caller owns a
     * client given here.
     */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the HTTP version to ask for, or null for the client's own; default null. {@code
     * HTTP_1_1} avoids the {@code h2c} upgrade attempt on plain HTTP.
     */
    public Builder version(HttpClient.@Nullable Version version) {
      this.version = version;
      return this;
    }

    /**
     * Sets how many events an {@link EventIterator} holds before the source stops reading; default
     * {@value EventSource#DEFAULT_BUFFER_SIZE}.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder bufferSize(int bufferSize) {
      if (bufferSize <= 0) {
        throw new IllegalArgumentException("bufferSize: " + bufferSize + " (expected: > 0)");
      }
      this.bufferSize = bufferSize;
      return this;
    }

    /** Returns an event source, not connected yet: add listeners, then {@link #start()} it. */
    public EventSource build() {
      return new EventSource(config());
    }

    /**
     * Returns a cold publisher of events: each subscriber gets an event source of its own, which
     * connects when it subscribes and closes when it cancels.
     *
     * <p>Backpressure reaches the socket: the source parses only as many events as the subscriber
     * requested, and while none is requested it leaves the rest of the body unread, so the HTTP
     * client stops reading the connection (TCP flow control on HTTP/1.1, the stream's window on
     * HTTP/2), and the server's writes back up. Nothing is buffered beyond the subscriber's demand
     * but one network chunk of unparsed bytes. A server that cuts slow clients (as Herald's does)
     * may then close the stream; the source reconnects and resumes from the last event id.
     *
     * <p>Signals reach the subscriber on the source's thread. The subscriber gets {@code
     * onComplete} after a {@code 204}, {@code onError} when the {@link ErrorStrategy} gives up;
     * errors after which the source reconnects are not signalled.
     */
    public Flow.Publisher<MessageEvent> buildPublisher() {
      return new EventSourcePublisher(config());
    }

    /**
     * Returns an iterator over the events of a new event source, connecting now; see {@link
     * EventIterator}.
     */
    public EventIterator buildIterator() {
      SourceConfig config = config();
      return new EventIterator(new EventSourcePublisher(config), config.bufferSize());
    }

    private SourceConfig config() {
      if (body != null && (method.equals("GET") || method.equals("HEAD"))) {
        throw new IllegalStateException("method " + method + " with a body (expected: no body)");
      }
      return new SourceConfig(
          uri,
          method,
          body,
          List.copyOf(headers),
          token,
          lastEventId,
          reconnectTime,
          maxReconnectTime,
          backoffResetThreshold,
          readTimeout,
          maxEventSize,
          errorStrategy,
          client != null ? client : DefaultClient.get(),
          version,
          bufferSize);
    }

    private static Duration nonNegative(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
      }
      return value;
    }
  }
}
