package dev.herald.server.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code request} and {@code cancel} on a subscription serially (Reactive Streams §2.7), from
 * whichever thread arrives first, and {@code cancel} at most once.
 *
 * <p>Requests are handed to the handler executor, so a publisher that produces synchronously inside
 * {@code request} (an iterator over a database cursor, say) never runs on an event loop.
 * Cancellation runs at once on the calling thread unless another thread is inside the subscription,
 * which then cancels as soon as its call returns.
 */
final class DemandSerializer {
  private static final Logger LOG = LoggerFactory.getLogger(DemandSerializer.class);

  private final Executor executor;
  private static final VarHandle WIP;
  private static final VarHandle PENDING_DEMAND;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      WIP = lookup.findVarHandle(DemandSerializer.class, "wip", int.class);
      PENDING_DEMAND = lookup.findVarHandle(DemandSerializer.class, "pendingDemand", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Fields, not Atomic* objects: one per stream, so each saves an object and a cache miss.
  private volatile int wip;
  private volatile long pendingDemand;
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelRequested;
  private boolean cancelled; // only read and written by the thread holding wip

  DemandSerializer(Executor executor) {
    this.executor = executor;
  }

  /** Sets the subscription; returns false if one was set before (the new one is cancelled). */
  boolean subscription(Flow.Subscription subscription) {
    if (this.subscription != null) {
      subscription.cancel();
      return false;
    }
    this.subscription = subscription;
    if (cancelRequested) {
      drain();
    }
    return true;
  }

  /** Requests {@code n} more on the calling thread; for the first request, from the subscriber. */
  void requestNow(long n) {
    PENDING_DEMAND.getAndAdd(this, n);
    drain();
  }

  /** Requests {@code n} more on the handler executor. */
  void requestLater(long n) {
    PENDING_DEMAND.getAndAdd(this, n);
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      drain();
    }
  }

  /** Cancels the subscription once; later requests are dropped. */
  void cancel() {
    cancelRequested = true;
    drain();
  }

  private void drain() {
    if ((int) WIP.getAndAdd(this, 1) != 0) {
      return;
    }
    int missed = 1;
    do {
      Flow.Subscription s = subscription;
      if (s != null && !cancelled) {
        try {
          if (cancelRequested) {
            cancelled = true;
            s.cancel();
          } else {
            long n = (long) PENDING_DEMAND.getAndSet(this, 0L);
            if (n > 0) {
              s.request(n);
            }
          }
        } catch (RuntimeException e) {
          // A publisher that throws from request or cancel breaks §3.15/§3.16; it cannot be
          // trusted with more calls.
          cancelled = true;
          LOG.warn("publisher threw from request/cancel; stream abandoned", e);
        }
      }
      missed = (int) WIP.getAndAdd(this, -missed) - missed;
    } while (missed != 0);
  }
}
