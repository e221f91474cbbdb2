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
 * Opens an SSE stream with the JDK client, like {@link SseRecorder}, but completes {@link #head()}
 * as soon as the status and headers arrive (the JDK completes a response future only when its body
 * ends, which an open stream never does). Counts events and comments, so a test can also assert
 * that none arrives. {@link #close()} cancels the body, which closes the connection.
 */
public final class SseClient implements AutoCloseable {
  public static final Duration TIMEOUT = SseRecorder.TIMEOUT;

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
  private final BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private final AtomicInteger eventCount = new AtomicInteger();
  private final AtomicInteger commentCount = new AtomicInteger();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final CompletableFuture<HttpResponse<Void>> response;
  private volatile Flow.Subscription subscription;

  private SseClient(HttpRequest request) {
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
                  public void onComment(String comment) {
                    commentCount.incrementAndGet();
                    comments.add(comment);
                  }
                });
    this.response =
        CLIENT.sendAsync(
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
        (r, error) -> {
          if (error != null) {
            head.completeExceptionally(error);
            ended.completeExceptionally(error);
          }
        });
  }

  /** Opens a stream; {@code headers} are name/value pairs. */
  public static SseClient open(URI uri, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return new SseClient(request.build());
  }

  /** Waits for the status line and headers, not for any event. */
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

  /** Waits for the next event; fails if none arrives within {@code timeout}. */
  public MessageEvent next(Duration timeout) throws InterruptedException {
    MessageEvent event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an event within %s", timeout).isNotNull();
    return event;
  }

  /** Waits for the next comment; fails if none arrives in time. */
  public String nextComment() throws InterruptedException {
    String comment = comments.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(comment).as("a comment within %s", TIMEOUT).isNotNull();
    return comment;
  }

  /** Returns how many events arrived so far. */
  public int eventsReceived() {
    return eventCount.get();
  }

  /** Returns how many comments arrived so far. */
  public int commentsReceived() {
    return commentCount.get();
  }

  /** Waits for the body to end, normally or not; returns whether it ended normally. */
  public boolean awaitEnd() throws InterruptedException {
    try {
      ended.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the stream did not end within " + TIMEOUT, e);
    }
  }

  /** Returns whether the body ended, normally or not. */
  public boolean isEnded() {
    return ended.isDone();
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
