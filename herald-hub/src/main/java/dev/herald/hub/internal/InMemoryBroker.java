package dev.herald.hub.internal;

import dev.herald.hub.Broker;
import dev.herald.hub.Update;
import java.util.Objects;

/**
 * The single-process broker: publishing delivers straight to the hub's sink on the publishing
 * thread, so the hub's history is the log. Thread-safe; the sink serialises deliveries.
 */
public final class InMemoryBroker implements Broker {
  private volatile Broker.Sink sink;

  /** Creates a broker; {@link #start} connects it to its hub. */
  public InMemoryBroker() {}

  @Override
  public void start(Broker.Sink sink) {
    if (this.sink != null) {
      throw new IllegalStateException("broker already started");
    }
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  @Override
  public boolean publish(Update update, boolean generatedId) {
    Broker.Sink s = sink;
    if (s == null) {
      throw new IllegalStateException("broker not started");
    }
    return s.deliver(update, !generatedId);
  }

  @Override
  public boolean catchUp(String id) {
    return false;
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "InMemoryBroker";
  }
}
