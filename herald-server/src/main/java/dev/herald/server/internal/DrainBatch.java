package dev.herald.server.internal;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The streams of one event loop that have events to write, drained together in one task.
 *
 * <p>A hub fans one update out to thousands of streams from the publishing thread. A task per
 * stream would cost a task object, a queue node in the event loop and, from another thread, a
 * wake-up of the loop's selector each time; here the first stream to ask schedules one task and the
 * rest join the batch. When the server is busy, updates published while the batch waits are queued
 * in the streams and leave in the same write as the ones before them: one flush per stream per pass
 * of the event loop, not per event.
 *
 * <p>Threads: {@link #add} from any thread; the batch runs on {@link #loop}. A stream is added at
 * most once until it has been drained (its own flag, see {@link SseStream}), but may join again
 * while the batch runs.
 */
final class DrainBatch {
  /** What joins a batch: an {@link SseStream}. */
  interface Member {
    /** Writes what the member has queued. Runs on the batch's event loop. */
    void drain();
  }

  /**
   * Streams drained per task; the rest continue in a new task, behind the tasks that other
   * connections of the loop queued meanwhile.
   */
  static final int MAX_PER_TASK = 4096;

  private final EventLoop loop;
  private final Queue<Member> pending = PlatformDependent.newMpscQueue();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable run = this::run;

  DrainBatch(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * Queues the member for the next batch, scheduling one if none is pending.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the event loop has shut down
   */
  void add(Member member) {
    pending.add(member);
    if (scheduled.compareAndSet(false, true)) {
      loop.execute(run);
    }
  }

  private void run() {
    // Cleared first: a member added from here on schedules the next batch itself.
    scheduled.set(false);
    Member member;
    int drained = 0;
    while ((member = pending.poll()) != null) {
      member.drain();
      if (++drained == MAX_PER_TASK) {
        if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) {
          loop.execute(run);
        }
        return;
      }
    }
  }
}
