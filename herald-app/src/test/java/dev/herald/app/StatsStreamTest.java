package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.HubStats;
import dev.herald.server.ServerStats;
import dev.herald.sse.MessageEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link StatsStream} without a server: samples, history, rates and the bound on each stream. */
class StatsStreamTest {
  private final FakeStats counters = new FakeStats();
  private final StatsStream stream = new StatsStream();

  @AfterEach
  void close() {
    stream.close();
  }

  /** Binds the counters without starting the sampler: only the test's samples count. */
  private void start() {
    stream.bind(counters, counters);
  }

  @Test
  void aNewStreamStartsWithTheHistoryThenGetsEachSample() {
    start();
    counters.published = 5;
    stream.sample();
    Recorder recorder = new Recorder();
    stream.publisher().subscribe(recorder);
    recorder.subscription.request(10);

    assertThat(recorder.events).hasSize(1);
    assertThat(recorder.events.get(0).type()).isEqualTo("history");
    @SuppressWarnings("unchecked")
    List<StatsStream.Sample> history = (List<StatsStream.Sample>) recorder.events.get(0).data();
    assertThat(history).hasSize(1);
    assertThat(history.get(history.size() - 1).updatesPublished()).isEqualTo(5);

    counters.published = 7;
    counters.subscriptions = 3;
    stream.sample();
    assertThat(recorder.events).hasSize(2);
    StatsStream.Sample sample = (StatsStream.Sample) recorder.events.get(1).data();
    assertThat(recorder.events.get(1).type()).isEqualTo("stats");
    assertThat(sample.updatesPublished()).isEqualTo(7);
    assertThat(sample.subscriptions()).isEqualTo(3);
    assertThat(sample.updatesPerSecond()).as("two updates since the last sample").isPositive();
    assertThat(sample.deliveriesPerSecond()).isZero();
  }

  @Test
  void keepsFiveMinutesOfSamples() {
    start();
    for (int i = 0; i < StatsStream.HISTORY + 20; i++) {
      counters.published = i;
      stream.sample();
    }
    Recorder recorder = new Recorder();
    stream.publisher().subscribe(recorder);
    recorder.subscription.request(1);

    @SuppressWarnings("unchecked")
    List<StatsStream.Sample> history = (List<StatsStream.Sample>) recorder.events.get(0).data();
    assertThat(history).hasSize(StatsStream.HISTORY);
    assertThat(history.get(history.size() - 1).updatesPublished())
        .isEqualTo(StatsStream.HISTORY + 19);
  }

  @Test
  void aStreamThatAsksForNothingHoldsAtMostTheBoundAndGetsTheNewestSamples() {
    start();
    Recorder recorder = new Recorder();
    stream.publisher().subscribe(recorder);
    for (int i = 0; i < StatsStream.MAX_QUEUED * 3; i++) {
      counters.published = i;
      stream.sample();
    }

    recorder.subscription.request(Long.MAX_VALUE);

    assertThat(recorder.events).hasSize(StatsStream.MAX_QUEUED);
    StatsStream.Sample newest =
        (StatsStream.Sample) recorder.events.get(recorder.events.size() - 1).data();
    assertThat(newest.updatesPublished()).isEqualTo(StatsStream.MAX_QUEUED * 3 - 1);
  }

  @Test
  void aCancelledStreamGetsNothingMoreAndIsForgotten() {
    start();
    Recorder recorder = new Recorder();
    stream.publisher().subscribe(recorder);
    recorder.subscription.request(100);
    assertThat(stream.streamCount()).isEqualTo(1);

    recorder.subscription.cancel();
    stream.sample();

    assertThat(stream.streamCount()).isZero();
    assertThat(recorder.events).hasSize(1);
  }

  @Test
  void anIllegalRequestEndsTheStreamWithAnError() {
    start();
    Recorder recorder = new Recorder();
    stream.publisher().subscribe(recorder);

    recorder.subscription.request(0);

    assertThat(recorder.error).isInstanceOf(IllegalArgumentException.class);
    assertThat(stream.streamCount()).isZero();
  }

  /** Records what a stream emits; every signal on the test thread. */
  private static final class Recorder implements Flow.Subscriber<Object> {
    final List<MessageEvent> events = new ArrayList<>();
    Flow.Subscription subscription;
    Throwable error;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
    }

    @Override
    public void onNext(Object item) {
      events.add((MessageEvent) item);
    }

    @Override
    public void onError(Throwable throwable) {
      error = throwable;
    }

    @Override
    public void onComplete() {}
  }

  /** Counters the test sets by hand. */
  private static final class FakeStats implements ServerStats, HubStats {
    volatile long published;
    volatile int subscriptions;

    @Override
    public int openConnections() {
      return 1;
    }

    @Override
    public long connectionsAccepted() {
      return 1;
    }

    @Override
    public int openStreams() {
      return 1;
    }

    @Override
    public long bytesWritten() {
      return 0;
    }

    @Override
    public long slowConsumerCuts() {
      return 0;
    }

    @Override
    public int subscriptions() {
      return subscriptions;
    }

    @Override
    public long updatesPublished() {
      return published;
    }

    @Override
    public long deliveries() {
      return 0;
    }

    @Override
    public long resumes() {
      return 0;
    }

    @Override
    public long replayedUpdates() {
      return 0;
    }

    @Override
    public int historySize() {
      return 0;
    }
  }
}
