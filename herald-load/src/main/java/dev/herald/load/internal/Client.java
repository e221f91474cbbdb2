package dev.herald.load.internal;

import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/**
 * One simulated subscriber across its connections: what it received, its last event id and its
 * timings. Fields are written by the event loop of its current connection, and read by the run's
 * thread after that connection closed or for progress (volatile).
 */
final class Client {
  final int index;
  final DeliveryLog log = new DeliveryLog();

  /** The id of the last event received, for {@code Last-Event-ID}; empty when none. */
  volatile String lastEventId = "";

  /** {@link Payload#now()} when the current connection attempt started; written by the run. */
  volatile long connectStartNanos;

  /** {@link Payload#now()} when the current connection's response head arrived; 0 before. */
  volatile long connectedNanos;

  /** {@link Payload#now()} when a resuming client had every update; 0 before. */
  volatile long caughtUpNanos;

  volatile @Nullable Channel channel;

  Client(int index) {
    this.index = index;
  }
}
