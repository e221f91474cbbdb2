package dev.herald.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.History;
import dev.herald.hub.TestUpdates;
import dev.herald.hub.Update;
import dev.herald.server.EncodedEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentFramesTest {
  private static final Instant AT = Instant.parse("2026-11-21T10:00:00Z");

  private static HubSubscriber.Delivery published(long sequence, Update update) {
    return new HubSubscriber.Delivery(sequence, update, UpdateFrames.encode(update));
  }

  private static History.Entry entry(long sequence, Update update) {
    return new History.Entry(sequence, update, AT);
  }

  @Test
  void anEntryGetsTheFrameEncodedAtPublicationItself() {
    RecentFrames frames = new RecentFrames(100);
    Update update = TestUpdates.numbered(15); // type, retry and private all set
    HubSubscriber.Delivery delivery = published(7, update);
    frames.put(delivery);

    assertThat(frames.frame(entry(7, update))).isSameAs(delivery.frame());
  }

  @Test
  void anEqualUpdateReadBackFromAStoreGetsTheKeptFrameWithTheSameBytes() {
    RecentFrames frames = new RecentFrames(100);
    for (long n = 1; n <= 30; n++) {
      frames.put(published(n, TestUpdates.numbered(n)));
    }
    for (long n = 1; n <= 30; n++) {
      Update decoded = TestUpdates.numbered(n); // an equal copy, as a durable history returns
      EncodedEvent frame = frames.frame(entry(n, decoded));

      assertThat(frame.bytes()).isEqualTo(UpdateFrames.encode(decoded).bytes());
    }
  }

  @Test
  void aDifferentUpdateAtTheSameSequenceIsEncodedOnItsOwn() {
    RecentFrames frames = new RecentFrames(100);
    HubSubscriber.Delivery kept = published(3, TestUpdates.withId("a"));
    frames.put(kept);
    Update other = TestUpdates.withId("b");

    EncodedEvent frame = frames.frame(entry(3, other));

    assertThat(frame).isNotSameAs(kept.frame());
    assertThat(frame.bytes()).isEqualTo(UpdateFrames.encode(other).bytes());
  }

  @Test
  void anEntryWhoseSlotWasReusedIsEncodedAgainCorrectly() {
    RecentFrames frames = new RecentFrames(4);
    for (long n = 1; n <= 9; n++) {
      frames.put(published(n, TestUpdates.numbered(n)));
    }
    for (long n = 1; n <= 9; n++) {
      Update update = TestUpdates.numbered(n);

      assertThat(frames.frame(entry(n, update)).bytes())
          .as("sequence %s", n)
          .isEqualTo(UpdateFrames.encode(update).bytes());
    }
  }

  @Test
  void framesBeyondTheByteBoundAreNotKept() {
    Update small = TestUpdates.withId("small");
    long oneCost = 2L * UpdateFrames.encode(small).size() + RecentFrames.OVERHEAD;
    RecentFrames frames = new RecentFrames(100, 3 * oneCost);
    HubSubscriber.Delivery[] deliveries = new HubSubscriber.Delivery[6];
    for (int i = 0; i < deliveries.length; i++) {
      deliveries[i] = published(i + 1, TestUpdates.withId("small"));
      frames.put(deliveries[i]);
    }

    assertThat(frames.bytes()).isEqualTo(3 * oneCost);
    assertThat(frames.frame(entry(1, small))).isSameAs(deliveries[0].frame());
    assertThat(frames.frame(entry(4, small)))
        .as("not kept: encoded again, same bytes")
        .isNotSameAs(deliveries[3].frame());
    assertThat(frames.frame(entry(4, small)).bytes()).isEqualTo(deliveries[3].frame().bytes());
  }

  @Test
  void replacingAFrameReleasesItsShareOfTheBound() {
    Update small = TestUpdates.withId("small");
    long oneCost = 2L * UpdateFrames.encode(small).size() + RecentFrames.OVERHEAD;
    RecentFrames frames = new RecentFrames(2, 2 * oneCost);
    for (int n = 1; n <= 1000; n++) {
      frames.put(published(n, small));
    }

    assertThat(frames.bytes()).isEqualTo(2 * oneCost);
    HubSubscriber.Delivery last = published(1001, small);
    frames.put(last);
    assertThat(frames.frame(entry(1001, small))).isSameAs(last.frame());
  }

  @Test
  void noSlotsKeepsNothingAndANegativeCountIsRefused() {
    RecentFrames none = new RecentFrames(0);
    HubSubscriber.Delivery delivery = published(1, TestUpdates.withId("a"));
    none.put(delivery);

    assertThat(none.frame(entry(1, delivery.update()))).isNotSameAs(delivery.frame());
    assertThat(none.bytes()).isZero();
    assertThatThrownBy(() -> new RecentFrames(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slots: -1 (expected: >= 0)");
  }
}
