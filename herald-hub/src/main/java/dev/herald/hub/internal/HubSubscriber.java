package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.hub.Update;
import dev.herald.server.EncodedEvent;
import dev.herald.server.SlowConsumerException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One subscriber connection: a publisher of encoded updates for one SSE stream, first replaying
 * history after the client's {@code Last-Event-ID}, then live updates.
 *
 * <p>Gapless and duplicate-free: the hub registers the subscriber and reads the history's last
 * sequence ({@code replayEnd}) under its publish lock, so every update with a sequence up to {@code
 * replayEnd} is read from history and every later one is offered live. Live updates that arrive
 * while history is being replayed wait in {@link #live}, bounded by {@code maxQueued}; past it the
 * subscriber is cut with {@link SlowConsumerException} and can resume. Consecutive replayed frames
 * go out joined, up to {@link #JOIN_BYTES} per item, each update's frame as kept from its
 * publication ({@link RecentFrames}) where it still is.
 *
 * <p>Threads: {@link #offer} runs on the delivering thread (the publisher's, or a cluster broker's
 * reader), under the hub's publish lock; {@link #request} and {@link #cancel} on the engine's
 * threads. Delivery to the subscriber happens in {@link #drain()}, entered by one thread at a time
 * ({@link #wip}); its "drain only" fields are read and written there alone.
 */
final class HubSubscriber implements Flow.Publisher<Object>, Flow.Subscription {
  private static final VarHandle QUEUED;
  private static final VarHandle REQUESTED;
  private static final VarHandle WIP;
  private static final VarHandle CANCELLED;
  private static final VarHandle SUBSCRIBED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED = lookup.findVarHandle(HubSubscriber.class, "queued", int.class);
      REQUESTED = lookup.findVarHandle(HubSubscriber.class, "requested", long.class);
      WIP = lookup.findVarHandle(HubSubscriber.class, "wip", int.class);
      CANCELLED = lookup.findVarHandle(HubSubscriber.class, "cancelled", int.class);
      SUBSCRIBED = lookup.findVarHandle(HubSubscriber.class, "subscribed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** History entries read per batch while replaying. */
  static final int REPLAY_BATCH = 256;

  /**
   * How many bytes of consecutive replayed frames are joined into one item at most: {@value}. A
   * replay of thousands of small updates then goes to the stream as a few hundred items rather than
   * one per update, each of which would cost the stream a queue entry, a write and often a wake-up
   * of its event loop; the client reads the same bytes.
   */
  static final int JOIN_BYTES = 16 * 1024;

  /** A live update: its sequence, the update and its frame, encoded once for every subscriber. */
  record Delivery(long sequence, Update update, EncodedEvent frame) {}

  private final String subscriberId;
  private final List<TopicSelector> selectors;
  private final @Nullable Object payload; // the token's mercure.payload; the rest is not kept
  private final List<TopicSelector> privateSelectors;
  private final History history;
  private final int maxQueued;
  private final Runnable onCancel;
  private final HubCounters counters;
  private final RecentFrames frames;

  private final Queue<Delivery> live = new ConcurrentLinkedQueue<>();
  // Volatile fields with VarHandles, not Atomic* objects: a fan-out touches every subscriber, and
  // each separate object would be one more cache miss per delivery and more memory per subscriber.
  private volatile int queued;
  private volatile long requested;
  private volatile int wip;
  private volatile int cancelled; // 0 or 1
  private volatile int subscribed; // 0 or 1
  private volatile boolean overflow;
  private volatile boolean expired;
  private volatile Flow.Subscriber<? super Object> subscriber;

  /**
   * Whether history is still being replayed. Written by {@link #replay} and then only by the
   * draining thread; read by {@link #offer}, which leaves replay to the engine's request threads
   * rather than read history on the delivering thread, under the publish lock.
   */
  private volatile boolean replaying;

  // Drain only.
  private long cursor;
  private long replayEnd;
  // Made by the first read of history, dropped when replay ends: most subscribers never replay,
  // and an idle subscriber should not hold an empty queue.
  private @Nullable ArrayDeque<History.Entry> replayBatch;
  private boolean done;
  private long replayedInDrain;
  private long joinedInDrain; // updates delivered inside joined items, beyond one per item

  HubSubscriber(
      String subscriberId,
      List<TopicSelector> selectors,
      @Nullable MercureClaims claims,
      List<TopicSelector> privateSelectors,
      History history,
      int maxQueued,
      Runnable onCancel) {
    this(
        subscriberId,
        selectors,
        claims,
        privateSelectors,
        history,
        maxQueued,
        onCancel,
        new HubCounters(() -> 0, history),
        new RecentFrames(0));
  }

  HubSubscriber(
      String subscriberId,
      List<TopicSelector> selectors,
      @Nullable MercureClaims claims,
      List<TopicSelector> privateSelectors,
      History history,
      int maxQueued,
      Runnable onCancel,
      HubCounters counters,
      RecentFrames frames) {
    this.counters = counters;
    this.frames = frames;
    this.subscriberId = subscriberId;
    this.selectors = List.copyOf(selectors);
    this.payload = claims == null ? null : claims.payload();
    this.privateSelectors = List.copyOf(privateSelectors);
    this.history = history;
    this.maxQueued = maxQueued;
    this.onCancel = onCancel;
  }

  /**
   * Sets where replay starts and ends: entries with {@code afterSequence < sequence <= replayEnd}
   * come from history. Called once, under the hub's publish lock, before any offer.
   */
  void replay(long afterSequence, long replayEnd) {
    this.cursor = afterSequence;
    this.replayEnd = replayEnd;
    this.replaying = afterSequence < replayEnd;
  }

  String subscriberId() {
    return subscriberId;
  }

  List<TopicSelector> selectors() {
    return selectors;
  }

  /** Returns the {@code mercure.payload} claim of the subscriber's token, or null. */
  @Nullable Object payload() {
    return payload;
  }

  boolean isCancelled() {
    return cancelled != 0;
  }

  /**
   * Returns whether this subscriber may receive the update: a topic matches, and it is public or
   * allowed.
   */
  boolean accepts(Update update) {
    return matchesAny(selectors, update.topics())
        && (!update.isPrivate() || matchesAny(privateSelectors, update.topics()));
  }

  private static boolean matchesAny(List<TopicSelector> selectors, List<String> topics) {
    for (TopicSelector selector : selectors) {
      for (String topic : topics) {
        if (selector.matches(topic)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Offers a live update the dispatcher found this subscriber accepts. Delivering thread. */
  void offer(Delivery delivery) {
    if (cancelled != 0) {
      return;
    }
    if (!replaying && WIP.compareAndSet(this, 0, 1)) {
      // Nobody is draining: this thread is the drainer for now.
      if (deliverDirectly(delivery)) {
        int missed = (int) WIP.getAndAdd(this, -1) - 1;
        if (missed != 0) {
          drainLoop(missed);
        }
      } else {
        queue(delivery);
        drainLoop(1);
      }
      return;
    }
    if (!queue(delivery) || !replaying) {
      drain();
    }
  }

  /**
   * Hands a live update straight to the subscriber, past the queue, if it is caught up (nothing
   * queued, not replaying) and has demand: the common case, which then costs no queue node. Called
   * only by the draining thread. Returns false if the update must be queued instead.
   */
  private boolean deliverDirectly(Delivery delivery) {
    Flow.Subscriber<? super Object> s = subscriber;
    if (s == null
        || done
        || overflow
        || expired
        || replaying
        || cancelled != 0
        || requested <= 0
        || !live.isEmpty()) {
      return false;
    }
    s.onNext(delivery.frame());
    REQUESTED.getAndAdd(this, -1L);
    counters.delivered(1, 0);
    return true;
  }

  /** Queues a live update; returns false, and marks the overflow, if the queue is full. */
  private boolean queue(Delivery delivery) {
    if ((int) QUEUED.getAndAdd(this, 1) + 1 > maxQueued) {
      overflow = true;
      return false;
    }
    live.add(delivery);
    return true;
  }

  /** Ends the stream normally, as when the subscriber's token expires. Any thread. */
  void expire() {
    expired = true;
    drain();
  }

  // ---- Flow.Publisher / Flow.Subscription ----

  @Override
  public void subscribe(Flow.Subscriber<? super Object> s) {
    if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
      s.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      s.onError(new IllegalStateException("a hub subscriber streams to one subscriber only"));
      return;
    }
    subscriber = s;
    s.onSubscribe(this);
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      overflow = true; // §3.9: an illegal request ends the stream
    } else {
      addRequested(n);
    }
    drain();
  }

  /** Adds {@code n} to the demand, capped at {@link Long#MAX_VALUE} (§3.17). */
  private void addRequested(long n) {
    long current;
    long next;
    do {
      current = requested;
      next = current + n < 0 ? Long.MAX_VALUE : current + n;
    } while (!REQUESTED.compareAndSet(this, current, next));
  }

  @Override
  public void cancel() {
    if (CANCELLED.compareAndSet(this, 0, 1)) {
      onCancel.run();
      drain();
    }
  }

  // ---- delivery ----

  private void drain() {
    if ((int) WIP.getAndAdd(this, 1) != 0) {
      return;
    }
    drainLoop(1);
  }

  /** Delivers until no other thread asked for a drain meanwhile ({@code missed} times). */
  private void drainLoop(int missed) {
    do {
      Flow.Subscriber<? super Object> s = subscriber;
      if (s != null && !done) {
        deliver(s);
      }
      if (done || cancelled != 0) {
        discardLive();
      }
      missed = (int) WIP.getAndAdd(this, -missed) - missed;
    } while (missed != 0);
  }

  private void deliver(Flow.Subscriber<? super Object> s) {
    if (cancelled != 0) {
      done = true;
      return;
    }
    if (overflow) {
      finish();
      s.onError(new SlowConsumerException("subscriber " + subscriberId + " fell behind"));
      return;
    }
    long r = requested;
    long emitted = 0;
    while (emitted < r && cancelled == 0) {
      Object next = replaying ? nextReplayed() : nextLive();
      if (next == null) {
        break;
      }
      if (next == Gap.INSTANCE) {
        counters.delivered(emitted + joinedInDrain, replayedInDrain);
        joinedInDrain = 0;
        finish();
        s.onError(new SlowConsumerException("history moved past subscriber " + subscriberId));
        return;
      }
      s.onNext(next);
      emitted++;
    }
    if (emitted > 0) {
      REQUESTED.getAndAdd(this, -emitted);
      counters.delivered(emitted + joinedInDrain, replayedInDrain);
      replayedInDrain = 0;
      joinedInDrain = 0;
    }
    if (expired && cancelled == 0 && !replaying && live.isEmpty()) {
      finish();
      s.onComplete();
    }
  }

  private void finish() {
    done = true;
    if (CANCELLED.compareAndSet(this, 0, 1)) {
      onCancel.run();
    }
  }

  /** Marks a hole in the replay: history was trimmed past this subscriber's position. */
  private enum Gap {
    INSTANCE
  }

  /**
   * Returns the next replayed frame, joined with the frames of the entries after it that are
   * already read (up to {@link #JOIN_BYTES}); or, once replay is over, the next live update; or
   * {@link Gap#INSTANCE}; or null when there is nothing yet.
   */
  private @Nullable Object nextReplayed() {
    Object next = nextReplayedOne();
    if (!replaying || !(next instanceof EncodedEvent)) {
      return next; // a live update, a gap or nothing
    }
    EncodedEvent first = (EncodedEvent) next;
    List<EncodedEvent> more = null;
    int size = first.size();
    while (size < JOIN_BYTES && !replayBatch.isEmpty()) {
      History.Entry entry = replayBatch.peek();
      if (entry.sequence() > replayEnd) {
        break; // the next call ends the replay
      }
      if (accepts(entry.update())) {
        EncodedEvent frame = frames.frame(entry);
        if (size + frame.size() > JOIN_BYTES) {
          break; // never joined into an item much larger than its frames alone
        }
        if (more == null) {
          more = new ArrayList<>();
        }
        more.add(frame);
        size += frame.size();
      }
      replayBatch.poll();
      cursor = entry.sequence();
    }
    if (more == null) {
      return first;
    }
    replayedInDrain += more.size();
    joinedInDrain += more.size();
    return UpdateFrames.join(first, more, size);
  }

  private @Nullable Object nextReplayedOne() {
    while (true) {
      ArrayDeque<History.Entry> pending = replayBatch;
      if (pending == null || pending.isEmpty()) {
        if (cursor >= replayEnd) {
          endReplay();
          return nextLive();
        }
        List<History.Entry> batch;
        try {
          batch = history.readAfter(cursor, REPLAY_BATCH);
        } catch (RuntimeException e) {
          // A closed or failing store: end this stream; the client resumes when it is back.
          endReplay();
          return Gap.INSTANCE;
        }
        if (batch.isEmpty() || batch.get(0).sequence() > cursor + 1) {
          endReplay();
          return cursor < replayEnd ? Gap.INSTANCE : nextLive();
        }
        if (pending == null) {
          pending = replayBatch = new ArrayDeque<>(batch.size());
        }
        pending.addAll(batch);
      }
      History.Entry entry = pending.poll();
      if (entry.sequence() > replayEnd) {
        endReplay();
        return nextLive();
      }
      cursor = entry.sequence();
      if (accepts(entry.update())) {
        replayedInDrain++;
        return frames.frame(entry);
      }
    }
  }

  private void endReplay() {
    replayBatch = null;
    replaying = false;
  }

  private @Nullable Object nextLive() {
    Delivery d = live.poll();
    if (d == null) {
      return null;
    }
    QUEUED.getAndAdd(this, -1);
    return d.frame();
  }

  private void discardLive() {
    while (live.poll() != null) {
      QUEUED.getAndAdd(this, -1);
    }
  }
}
