package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.server.EncodedEvent;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keeps the frames of the most recent updates, as encoded once at publication, so that a replay
 * from history writes those same bytes instead of encoding each entry again for each resuming
 * subscriber: with the frame comes the engine's direct chunk, made once and shared by every stream
 * that writes it, live or replaying.
 *
 * <p>A ring of slots indexed by sequence: the delivery of sequence {@code s} replaces that of
 * {@code s - slots}. A frame is used only for the very update it was encoded from (the same
 * sequence, and the same or an equal update: the frame is a function of the update's id, type,
 * retry and data, all part of {@link dev.herald.hub.Update#equals}); any other entry, or one no
 * longer here, is encoded as before. Bounded twice: at most {@link #MAX_SLOTS} slots, and at most
 * {@link #MAX_BYTES} bytes of frames counted twice each (the frame and its direct chunk); a frame
 * that does not fit is not kept until older ones are replaced.
 *
 * <p>Threads: {@link #put} is called by one thread at a time (the hub's publish lock); {@link
 * #frame} by any thread, concurrently with it.
 */
final class RecentFrames {
  /** The most slots: {@value}. */
  static final int MAX_SLOTS = 65_536;

  /** The most bytes kept, counting each frame twice plus {@value #OVERHEAD} bytes: 32 MiB. */
  static final long MAX_BYTES = 32L << 20;

  /** The objects around a kept frame, roughly: delivery, event, array and chunk headers. */
  static final int OVERHEAD = 160;

  private final AtomicReferenceArray<HubSubscriber.Delivery> slots;
  private final long maxBytes;

  // Written by the putting thread only.
  private long bytes;

  /** Creates a ring of {@code min(slots, MAX_SLOTS)} slots, {@code 0} keeping nothing. */
  RecentFrames(int slots) {
    this(slots, MAX_BYTES);
  }

  RecentFrames(int slots, long maxBytes) {
    if (slots < 0) {
      throw new IllegalArgumentException("slots: " + slots + " (expected: >= 0)");
    }
    this.slots = new AtomicReferenceArray<>(Math.min(slots, MAX_SLOTS));
    this.maxBytes = maxBytes;
  }

  /** Keeps the delivery's frame, if it fits. Called by one thread at a time. */
  void put(HubSubscriber.Delivery delivery) {
    int n = slots.length();
    if (n == 0) {
      return;
    }
    int index = (int) (delivery.sequence() % n);
    HubSubscriber.Delivery old = slots.get(index);
    if (old != null) {
      bytes -= cost(old);
    }
    long cost = cost(delivery);
    if (bytes + cost <= maxBytes) {
      bytes += cost;
      slots.lazySet(index, delivery);
    } else {
      slots.lazySet(index, null);
    }
  }

  /** Returns the entry's frame: the one kept from its publication, else encoded now. */
  EncodedEvent frame(History.Entry entry) {
    int n = slots.length();
    if (n > 0) {
      HubSubscriber.Delivery d = slots.get((int) (entry.sequence() % n));
      if (d != null
          && d.sequence() == entry.sequence()
          && (d.update() == entry.update() || d.update().equals(entry.update()))) {
        return d.frame();
      }
    }
    return UpdateFrames.encode(entry.update());
  }

  /** Returns the bytes counted for the frames kept now. Putting thread only (tests). */
  long bytes() {
    return bytes;
  }

  private static long cost(HubSubscriber.Delivery delivery) {
    return 2L * delivery.frame().size() + OVERHEAD;
  }
}
