package dev.herald.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseListener;
import dev.herald.sse.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens an SSE stream with the JDK client and records what arrives: the response head, each event,
 * each comment, the end of the body. Polls wait with a timeout; {@link #close()} cancels the body,
 * which closes the connection.
 */
public final class SseRecorder implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private final AtomicInteger eventCount = new AtomicInteger();
  private final AtomicInteger commentCount = new AtomicInteger();
  private final BlockingQueue<Long> retries = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final CompletableFuture<HttpResponse<Void>> response;
  private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  private SseRecorder(HttpClient client, HttpRequest request) {
    SseParser parser =
        SseParser.builder()
            .build(
                new SseListener() {
                  @Override
                  public void onEvent(MessageEvent event) {
                    eventCount.incrementAndGet();
                    events.add(event);
                  }

                  @Override
                  public void onRetry(long millis) {
                    retries.add(millis);
                  }

                  @Override
                  public void onComment(String comment) {
                    commentCount.incrementAndGet();
                    comments.add(comment);
                  }
                });
    this.response =
        client.sendAsync(
            request,
            info -> {
              head.complete(info);
              return HttpResponse.BodySubscribers.fromSubscriber(
                  new Flow.Subscriber<List<ByteBuffer>>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                      subscription = s;
                      s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(List<ByteBuffer> item) {
                      for (ByteBuffer b : item) {
                        parser.feed(b);
                      }
                    }

                    @Override
                    public void onError(Throwable throwable) {
                      ended.completeExceptionally(throwable);
                    }

                    @Override
                    public void onComplete() {
                      parser.end();
                      ended.complete(null);
                    }
                  },
                  s -> null);
            });
    response.whenComplete(
        (r, e) -> {
          if (e != null) {
            head.completeExceptionally(e);
          }
        });
  }

  public static SseRecorder open(URI uri, String... headers) {
    return open(CLIENT, uri, headers);
  }

  /** Opens a stream with the given client: one speaking HTTP/2, or trusting a test certificate. */
  public static SseRecorder open(HttpClient client, URI uri, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return new SseRecorder(client, request.build());
  }

  /** Waits for the response head (status and headers), which arrives before the body ends. */
  public HttpResponse.ResponseInfo head() throws Exception {
    return head.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  public int status() throws Exception {
    return head().statusCode();
  }

  public HttpHeaders headers() throws Exception {
    return head().headers();
  }

  /** Waits for the next event; fails if none arrives in time. */
  public MessageEvent next() throws InterruptedException {
    return next(TIMEOUT);
  }

  /** Waits for the next event; fails if none arrives within the timeout. */
  public MessageEvent next(Duration timeout) throws InterruptedException {
    MessageEvent event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an event within %s", timeout).isNotNull();
    return event;
  }

  /** Waits for the next {@code retry:} field; fails if none arrives in time. */
  public long nextRetry() throws InterruptedException {
    Long millis = retries.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(millis).as("a retry field within %s", TIMEOUT).isNotNull();
    return millis;
  }

  /** Returns how many events arrived so far, taken or not. */
  public int eventsReceived() {
    return eventCount.get();
  }

  /** Returns how many comments arrived so far, taken or not. */
  public int commentsReceived() {
    return commentCount.get();
  }

  /** Waits for the next comment; fails if none arrives in time. */
  public String nextComment() throws InterruptedException {
    String comment = comments.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(comment).as("a comment within %s", TIMEOUT).isNotNull();
    return comment;
  }

  /** Waits for the body to end normally; fails if it ends abruptly or not in time. */
  public void awaitEnd() throws Exception {
    ended.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Returns whether the body ended, normally or not. */
  public boolean isEnded() {
    return ended.isDone();
  }

  /** Returns whether the body ended with an error (the connection was cut). */
  public boolean endedAbruptly() {
    return ended.isCompletedExceptionally();
  }

  /** Asserts that no event is waiting now. */
  public void assertNoMoreEvents() {
    assertThat(events).isEmpty();
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    response.cancel(true);
  }
}
