package dev.herald.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainBatchTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** An event loop that counts the tasks handed to it. */
  private static final class CountingLoop extends DefaultEventLoop {
    final AtomicInteger tasks = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      tasks.incrementAndGet();
      super.execute(task);
    }
  }

  /** A member that counts its drains, all of which must run on the loop. */
  private static final class Counted implements DrainBatch.Member {
    final EventLoop loop;
    final AtomicInteger drains = new AtomicInteger();
    final AtomicInteger offLoop = new AtomicInteger();

    Counted(EventLoop loop) {
      this.loop = loop;
    }

    @Override
    public void drain() {
      if (!loop.inEventLoop()) {
        offLoop.incrementAndGet();
      }
      drains.incrementAndGet();
    }
  }

  private final CountingLoop loop = new CountingLoop();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aFanOutFromAnotherThreadCostsOneTaskPerFewThousandMembersAndDrainsEachOnce()
      throws Exception {
    DrainBatch batch = new DrainBatch(loop);
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(() -> awaitQuietly(release)); // the loop is busy while the fan-out joins the batch
    int before = loop.tasks.get();
    List<Counted> members = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Counted member = new Counted(loop);
      members.add(member);
      batch.add(member);
    }
    assertThat(loop.tasks.get() - before).as("tasks scheduled by 10,000 joins").isEqualTo(1);
    release.countDown();

    await().atMost(TIMEOUT).until(() -> members.stream().allMatch(m -> m.drains.get() == 1));
    assertThat(members).allSatisfy(m -> assertThat(m.offLoop).hasValue(0));
    // 10,000 members at 4,096 per task: the first task and two continuations.
    assertThat(loop.tasks.get() - before).isEqualTo(3);
  }

  @Test
  void aMemberThatJoinsWhileTheBatchRunsIsDrainedAgain() {
    DrainBatch batch = new DrainBatch(loop);
    AtomicInteger drains = new AtomicInteger();
    DrainBatch.Member[] member = new DrainBatch.Member[1];
    member[0] =
        () -> {
          if (drains.incrementAndGet() == 1) {
            batch.add(member[0]); // more arrived while it was writing
          }
        };
    batch.add(member[0]);
    await().atMost(TIMEOUT).until(() -> drains.get() == 2);
  }

  @Test
  void addingToTheBatchOfAStoppedLoopFailsLoudly() {
    DrainBatch batch = new DrainBatch(loop);
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    assertThatThrownBy(() -> batch.add(() -> {})).isInstanceOf(RejectedExecutionException.class);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
