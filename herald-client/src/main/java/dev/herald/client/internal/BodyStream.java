package dev.herald.client.internal;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * The body of one response, as the HTTP client delivers it: a body subscriber that completes its
 * body at once (so that the response arrives with its head) and requests bytes only when told to,
 * so that a slow consumer stops the reading of the socket.
 *
 * <p>The HTTP client calls the subscriber methods on its own threads; {@link #request()} and {@link
 * #cancel()} may be called from any thread, before or after the subscription arrives.
 */
final class BodyStream implements HttpResponse.BodySubscriber<BodyStream> {
  /** Receives what the body subscriber receives, on the HTTP client's threads. */
  interface Receiver {
    void onChunk(BodyStream stream, List<ByteBuffer> chunk);

    /** Receives the end of the body: null when it ended normally. */
    void onEnd(BodyStream stream, @Nullable Throwable error);
  }

  /** The most bytes {@link #discard()} reads before it gives up on reusing the connection. */
  static final long DISCARD_LIMIT = 64 * 1024;

  private final CompletableFuture<BodyStream> body = CompletableFuture.completedFuture(this);
  private final Receiver receiver;

  // Written by the HTTP client's thread (subscription) and the loop's (requested, cancelled).
  private Flow.@Nullable Subscription subscription;
  private long requested;
  private boolean cancelled;
  private boolean discarding;
  // Set once the client signalled the end: cancelling then could reach a connection that is back
  // in the pool and serving another request.
  private boolean ended;
  // The HTTP client's thread only.
  private long discarded;

  /** The time the last bytes arrived; written by the HTTP client's threads. */
  private volatile long lastByteNanos = System.nanoTime();

  BodyStream(Receiver receiver) {
    this.receiver = receiver;
  }

  long lastByteNanos() {
    return lastByteNanos;
  }

  /** Asks for the next chunk. */
  void request() {
    Flow.Subscription s;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      if (subscription == null) {
        requested++;
        return;
      }
      s = subscription;
    }
    s.request(1);
  }

  /**
   * Reads the rest of a short body and drops it, so that the connection goes back to the pool
   * rather than being closed; past {@link #DISCARD_LIMIT} bytes it cancels. The receiver hears
   * nothing more.
   */
  void discard() {
    Flow.Subscription s;
    synchronized (this) {
      if (cancelled || discarding) {
        return;
      }
      discarding = true;
      s = subscription;
    }
    if (s != null) {
      s.request(Long.MAX_VALUE);
    }
  }

  /** Cancels the body, which makes the client close or reset the connection. Idempotent. */
  void cancel() {
    Flow.Subscription s;
    synchronized (this) {
      if (cancelled || ended) {
        return;
      }
      cancelled = true;
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    long pending;
    synchronized (this) {
      if (subscription != null) {
        pending = -1;
      } else {
        subscription = s;
        pending = cancelled ? -1 : discarding ? Long.MAX_VALUE : requested;
        requested = 0;
      }
    }
    if (pending < 0) {
      s.cancel();
    } else if (pending > 0) {
      s.request(pending);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    lastByteNanos = System.nanoTime();
    if (isDiscarding()) {
      for (ByteBuffer b : item) {
        discarded += b.remaining();
      }
      if (discarded > DISCARD_LIMIT) {
        cancel();
      }
      return;
    }
    receiver.onChunk(this, item);
  }

  @Override
  public void onError(Throwable throwable) {
    if (!end()) {
      receiver.onEnd(this, throwable);
    }
  }

  @Override
  public void onComplete() {
    if (!end()) {
      receiver.onEnd(this, null);
    }
  }

  private synchronized boolean isDiscarding() {
    return discarding;
  }

  /** Marks the end; returns whether the body was being discarded. */
  private synchronized boolean end() {
    ended = true;
    return discarding;
  }

  @Override
  public CompletionStage<BodyStream> getBody() {
    return body;
  }
}
