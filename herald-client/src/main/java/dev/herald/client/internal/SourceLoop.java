package dev.herald.client.internal;

import dev.herald.client.EventSource.ReadyState;
import dev.herald.client.UnexpectedResponseException;
import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseParseException;
import java.io.EOFException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The connection state machine of one event source (WHATWG HTML §9.2.2–§9.2.4), run on a thread of
 * its own: connects, judges the response, follows redirects, reads the stream, and reconnects with
 * the committed last event id and backoff, or fails as the error strategy says.
 *
 * <p>Every field not marked otherwise is read and written on the loop's thread only, and so is
 * every call to the sink. {@link #start()}, {@link #close()} and {@link #resume()} may be called
 * from any thread.
 */
public final class SourceLoop {
  private static final System.Logger LOG = System.getLogger("dev.herald.client.EventSource");
  private static final AtomicLong THREADS = new AtomicLong();

  private enum Phase {
    /** Not started yet. */
    NEW,
    /** A request is in flight: waiting for the response head. */
    CONNECTING,
    /** The stream is open and being read. */
    OPEN,
    /** Waiting to reconnect. */
    WAITING,
    /** Closed for good. */
    CLOSED
  }

  private final SourceConfig config;
  private final SourceSink sink;
  private final Requests requests;
  private final Backoff backoff;
  private final ScheduledThreadPoolExecutor executor;
  private final AtomicBoolean started = new AtomicBoolean();

  // Written by close() on any thread, and by the loop.
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile ReadyState readyState = ReadyState.CONNECTING;
  // Written by the loop; read by accessors on any thread.
  private volatile String lastEventId;
  private volatile long reconnectMillis;
  // Written by the loop; read by close() on any thread to cancel at once.
  private volatile @Nullable BodyStream body;
  private volatile @Nullable CompletableFuture<?> inFlight;

  private Phase phase = Phase.NEW;
  private long attemptId;
  private int redirects;
  private long openedAtNanos;
  private boolean chunkRequested;
  private long requestedAtNanos;
  private @Nullable StreamReader reader;
  private @Nullable Throwable endOfBody;
  private boolean bodyEnded;
  private @Nullable ScheduledFuture<?> timer;

  /** Creates a loop that delivers to the sink; nothing happens until {@link #start()}. */
  public SourceLoop(SourceConfig config, SourceSink sink) {
    this.config = config;
    this.sink = sink;
    this.requests = new Requests(config);
    this.backoff = new Backoff(config.maxReconnectTime(), config.backoffResetThreshold());
    this.lastEventId = config.lastEventId();
    this.reconnectMillis = config.reconnectTime().toMillis();
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "herald-eventsource-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Returns the ready state; any thread. */
  public ReadyState readyState() {
    return readyState;
  }

  /** Returns the committed last event id; any thread. */
  public String lastEventId() {
    return lastEventId;
  }

  /** Returns the current reconnection time; any thread. */
  public Duration reconnectTime() {
    return Duration.ofMillis(reconnectMillis);
  }

  /** Returns whether {@link #start()} was called. */
  public boolean started() {
    return started.get();
  }

  /** Starts connecting, once; later calls do nothing. */
  public void start() {
    if (started.compareAndSet(false, true)) {
      execute(this::connect);
    }
  }

  /**
   * Closes the source: cancels the body at once (which releases the connection), then, on the
   * loop's thread, stops every timer and tells the sink. Idempotent.
   */
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    readyState = ReadyState.CLOSED;
    BodyStream b = body;
    if (b != null) {
      b.cancel();
    }
    CompletableFuture<?> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
    execute(() -> finish(null));
  }

  /** Tells the loop that the sink has capacity again; any thread. */
  public void resume() {
    execute(this::pump);
  }

  /** Ends the source with a failure, as if the error strategy had given up; any thread. */
  public void fail(Throwable failure) {
    execute(() -> finish(failure));
  }

  private void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // Finished: nothing is left to do.
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    cancelTimer();
    try {
      timer = executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Finished.
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  // ---- connecting ----

  private void connect() {
    if (closing.get() || phase == Phase.CLOSED) {
      return;
    }
    attemptId++;
    redirects = 0;
    phase = Phase.CONNECTING;
    readyState = ReadyState.CONNECTING;
    Requests.Attempt attempt;
    HttpRequest request;
    try {
      attempt = requests.attempt(lastEventId);
      request = requests.first(attempt);
    } catch (RuntimeException e) {
      onFailure(e, true, null);
      return;
    }
    send(request, attempt);
  }

  private void send(HttpRequest request, Requests.Attempt attempt) {
    long id = attemptId;
    CompletableFuture<HttpResponse<BodyStream>> response =
        config.client().sendAsync(request, info -> new BodyStream(receiver(id)));
    inFlight = response;
    response.whenComplete(
        (r, error) -> {
          if (r != null && closing.get()) {
            // Closed while the request was in flight: release the connection even if the loop's
            // thread has already ended.
            r.body().cancel();
          }
          execute(() -> onResponse(id, request, attempt, r, error));
        });
  }

  private BodyStream.Receiver receiver(long id) {
    return new BodyStream.Receiver() {
      @Override
      public void onChunk(BodyStream stream, List<ByteBuffer> chunk) {
        execute(() -> chunkArrived(id, chunk));
      }

      @Override
      public void onEnd(BodyStream stream, @Nullable Throwable error) {
        execute(() -> bodyEnded(id, error));
      }
    };
  }

  private void onResponse(
      long id,
      HttpRequest request,
      Requests.Attempt attempt,
      @Nullable HttpResponse<BodyStream> response,
      @Nullable Throwable error) {
    if (id != attemptId || phase != Phase.CONNECTING || closing.get()) {
      if (response != null) {
        response.body().cancel();
      }
      return;
    }
    inFlight = null;
    if (response == null) {
      onFailure(unwrap(error), false, null);
      return;
    }
    int status = response.statusCode();
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    if (attempt.nonAsciiId() && response.version() == HttpClient.Version.HTTP_1_1) {
      // The server got the id with '?' for each non-ASCII byte: resuming there would be wrong.
      release(response);
      onFailure(
          new IllegalStateException(
              "Last-Event-ID "
                  + attempt.lastEventId()
                  + " has non-ASCII characters, which the JDK HTTP client cannot send over"
                  + " HTTP/1.1 (it writes '?' for them); use HTTP/2 or ASCII ids"),
          true,
          null);
      return;
    }
    if (status == 200 && MediaTypes.isEventStream(contentType)) {
      open(response.body());
      return;
    }
    release(response);
    if (status == 204) {
      finish(null);
    } else if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
      redirect(request, attempt, response);
    } else {
      rejected(response, status, contentType);
    }
  }

  /**
   * Lets go of a response that opens no stream: a short body is read and dropped so that the
   * connection can be reused; any other is cancelled, since it may never end.
   */
  private static void release(HttpResponse<BodyStream> response) {
    int status = response.statusCode();
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (status == 204 || status == 304 || (length >= 0 && length <= BodyStream.DISCARD_LIMIT)) {
      response.body().discard();
    } else {
      response.body().cancel();
    }
  }

  private void redirect(
      HttpRequest request, Requests.Attempt attempt, HttpResponse<BodyStream> response) {
    int status = response.statusCode();
    if (++redirects > Requests.MAX_REDIRECTS) {
      onFailure(
          new UnexpectedResponseException(
              status, null, "more than " + Requests.MAX_REDIRECTS + " redirects"),
          true,
          null);
      return;
    }
    HttpRequest next;
    try {
      next =
          requests.redirect(
              request, status, response.headers().firstValue("Location").orElse(null), attempt);
    } catch (RuntimeException e) {
      onFailure(e, true, null);
      return;
    }
    send(next, attempt);
  }

  private void rejected(HttpResponse<BodyStream> response, int status, @Nullable String type) {
    String message =
        status != 200
            ? "unexpected status " + status + " (expected: 200)"
            : "unexpected Content-Type "
                + (type == null ? "(none)" : type)
                + " (expected: "
                + MediaTypes.EVENT_STREAM
                + ")";
    UnexpectedResponseException failure = new UnexpectedResponseException(status, type, message);
    Duration retryAfter = null;
    if (status == 503 || status == 429) {
      retryAfter =
          RetryAfter.parse(
              response.headers().firstValue("Retry-After").orElse(null), Instant.now());
    }
    onFailure(failure, retryAfter == null, retryAfter);
  }

  // ---- reading ----

  private void open(BodyStream stream) {
    phase = Phase.OPEN;
    readyState = ReadyState.OPEN;
    openedAtNanos = System.nanoTime();
    body = stream;
    bodyEnded = false;
    endOfBody = null;
    chunkRequested = false;
    reader = new StreamReader(lastEventId, config.maxEventSize(), readerCallbacks());
    if (closing.get()) {
      stream.cancel();
      return;
    }
    sink.onOpen();
    if (!config.readTimeout().isZero()) {
      schedule(() -> checkReadTimeout(attemptId), config.readTimeout().toMillis());
    }
    pump();
  }

  private StreamReader.Callbacks readerCallbacks() {
    return new StreamReader.Callbacks() {
      @Override
      public void onEvent(MessageEvent event, String id) {
        lastEventId = id;
        if (!closing.get()) {
          sink.onEvent(event);
        }
      }

      @Override
      public void onRetry(long millis) {
        reconnectMillis = millis;
      }
    };
  }

  private void chunkArrived(long id, List<ByteBuffer> chunk) {
    if (id != attemptId || phase != Phase.OPEN || reader == null) {
      return;
    }
    chunkRequested = false;
    reader.add(chunk);
    pump();
  }

  private void bodyEnded(long id, @Nullable Throwable error) {
    if (id != attemptId || phase != Phase.OPEN) {
      return;
    }
    bodyEnded = true;
    endOfBody = error;
    pump();
  }

  /** Parses what the sink can take, then asks for more bytes or handles the end of the body. */
  private void pump() {
    StreamReader r = reader;
    if (phase != Phase.OPEN || r == null) {
      return;
    }
    boolean drained;
    try {
      drained = r.pump(this::capacity);
    } catch (SseParseException e) {
      lastEventId = r.lastEventId();
      onFailure(e, true, null);
      return;
    }
    lastEventId = r.lastEventId();
    if (!drained || phase != Phase.OPEN || closing.get()) {
      return;
    }
    if (bodyEnded) {
      Throwable error = endOfBody;
      onFailure(
          error != null ? error : new EOFException("the server ended the stream"), false, null);
    } else if (!chunkRequested) {
      chunkRequested = true;
      requestedAtNanos = System.nanoTime();
      BodyStream b = body;
      if (b != null) {
        b.request();
      }
    }
  }

  private long capacity() {
    return closing.get() ? 0 : sink.capacity();
  }

  /** Reconnects when bytes were asked for and none came within the read timeout. */
  private void checkReadTimeout(long id) {
    BodyStream b = body;
    if (id != attemptId || phase != Phase.OPEN || b == null) {
      return;
    }
    long timeout = config.readTimeout().toNanos();
    long waited = System.nanoTime() - Math.max(requestedAtNanos, b.lastByteNanos());
    if (!chunkRequested || waited < timeout) {
      long next = chunkRequested ? timeout - waited : timeout;
      schedule(() -> checkReadTimeout(id), Math.max(1, TimeUnit.NANOSECONDS.toMillis(next)));
      return;
    }
    onFailure(
        new HttpTimeoutException(
            "no data for " + config.readTimeout().toMillis() + " ms (read timeout)"),
        false,
        null);
  }

  // ---- failing and reconnecting ----

  /**
   * Handles the end of an attempt or a stream: tells the sink, then reconnects, unless the error is
   * {@code governed} by the error strategy and it says to stop.
   */
  private void onFailure(Throwable error, boolean governed, @Nullable Duration retryAfter) {
    releaseConnection();
    if (closing.get()) {
      return;
    }
    long now = System.nanoTime();
    int failures = backoff.recordFailure(now, openedAtNanos);
    openedAtNanos = 0;
    if (governed && !shouldRetry(error, failures, backoff.elapsed(now))) {
      finish(error);
      return;
    }
    long delay = retryAfter != null ? retryAfter.toMillis() : backoff.delayMillis(reconnectMillis);
    phase = Phase.WAITING;
    readyState = ReadyState.CONNECTING;
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "reconnecting to " + config.uri() + " in " + delay + " ms after " + error);
    sink.onError(error);
    if (phase == Phase.WAITING && !closing.get()) {
      schedule(this::connect, delay);
    }
  }

  private boolean shouldRetry(Throwable error, int failures, Duration elapsed) {
    try {
      return config.errorStrategy().shouldRetry(error, failures, elapsed);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "error strategy threw; closing the event source", e);
      return false;
    }
  }

  /** Closes for good: cancels everything, then tells the sink, last. */
  private void finish(@Nullable Throwable failure) {
    if (phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.CLOSED;
    closing.set(true);
    readyState = ReadyState.CLOSED;
    releaseConnection();
    cancelTimer();
    try {
      if (failure != null) {
        sink.onError(failure);
      }
      sink.onClosed(failure);
    } finally {
      executor.shutdown();
    }
  }

  /** Cancels the request in flight or the body, and discards the reader's partial event. */
  private void releaseConnection() {
    cancelTimer();
    CompletableFuture<?> f = inFlight;
    inFlight = null;
    if (f != null) {
      f.cancel(true);
    }
    BodyStream b = body;
    body = null;
    if (b != null) {
      b.cancel();
    }
    StreamReader r = reader;
    reader = null;
    if (r != null) {
      lastEventId = r.lastEventId();
      r.discard();
    }
    attemptId++;
  }

  private static Throwable unwrap(@Nullable Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e == null) {
      return new CancellationException("request cancelled");
    }
    return e;
  }
}
