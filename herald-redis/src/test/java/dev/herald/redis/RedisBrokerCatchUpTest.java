package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.Broker;
import dev.herald.hub.BrokerUnavailableException;
import dev.herald.hub.Update;
import dev.herald.redis.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisBroker#catchUp} on an instance whose reader is behind, driven through the public
 * {@link Broker} SPI with a sink that holds delivery back.
 */
class RedisBrokerCatchUpTest {
  @RegisterExtension final RedisServerExtension redis = RedisServerExtension.inMemory();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** Records deliveries; holds each one until released while {@code gate} is closed. */
  static final class GatedSink implements Broker.Sink {
    final List<String> ids = new CopyOnWriteArrayList<>();
    final CountDownLatch gate;

    GatedSink(boolean open) {
      this.gate = new CountDownLatch(open ? 0 : 1);
    }

    @Override
    public boolean deliver(Update update, boolean mayBeDuplicate) {
      try {
        if (!gate.await(60, TimeUnit.SECONDS)) {
          throw new AssertionError("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ids.add(update.id());
      return true;
    }
  }

  private RedisBroker broker(GatedSink sink, Duration timeout) {
    RedisBroker broker = RedisBroker.builder(redis.uri()).timeout(timeout).build();
    toClose.add(broker::close);
    toClose.add(sink.gate::countDown); // closed before the broker: lets its reader finish
    broker.start(sink);
    return broker;
  }

  private static Update update(String id) {
    return Update.builder("https://example.com/a").data(id).id(id).build();
  }

  @Test
  void catchUpWaitsUntilThisInstanceDeliveredTheId() throws Exception {
    GatedSink sinkA = new GatedSink(true);
    GatedSink sinkB = new GatedSink(false);
    RedisBroker a = broker(sinkA, Duration.ofSeconds(20));
    RedisBroker b = broker(sinkB, Duration.ofSeconds(20));
    assertThat(a.publish(update("urn:example:1"), false)).isTrue();
    assertThat(a.publish(update("urn:example:2"), false)).isTrue();
    assertThat(sinkA.ids).containsExactly("urn:example:1", "urn:example:2");
    assertThat(sinkB.ids).isEmpty();

    CompletableFuture<List<String>> heldWhenCaughtUp =
        CompletableFuture.supplyAsync(
            () -> {
              assertThat(b.catchUp("urn:example:2")).isTrue();
              return List.copyOf(sinkB.ids);
            });
    sinkB.gate.countDown();

    assertThat(heldWhenCaughtUp.get(30, TimeUnit.SECONDS))
        .containsExactly("urn:example:1", "urn:example:2");
    assertThat(b.catchUp("urn:example:unknown")).isFalse();
    // A duplicate is acknowledged, not delivered again, on either instance.
    assertThat(b.publish(update("urn:example:1"), false)).isFalse();
    assertThat(a.publish(update("urn:example:3"), false)).isTrue();
    assertThat(sinkB.ids).doesNotHaveDuplicates();
  }

  @Test
  void catchUpRefusesRatherThanWaitForeverForAReaderThatIsStuck() {
    GatedSink sinkA = new GatedSink(true);
    GatedSink stuck = new GatedSink(false);
    RedisBroker a = broker(sinkA, Duration.ofSeconds(20));
    RedisBroker b = broker(stuck, Duration.ofMillis(500));
    a.publish(update("urn:example:1"), false);

    assertThatThrownBy(() -> b.catchUp("urn:example:1"))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("still reading");
    assertThat(b.refused()).isEqualTo(1);
  }
}
