package dev.herald.client.internal;

import dev.herald.sse.MessageEvent;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * A cold publisher: each subscriber gets an event source of its own, connected when it subscribes
 * and closed when it cancels.
 */
public final class EventSourcePublisher implements Flow.Publisher<MessageEvent> {
  private final SourceConfig config;

  /** Creates a publisher of event sources with the given configuration. */
  public EventSourcePublisher(SourceConfig config) {
    this.config = config;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super MessageEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    SubscriberSink sink = new SubscriberSink(subscriber);
    SourceLoop loop = new SourceLoop(config, sink);
    sink.attach(loop);
    subscriber.onSubscribe(sink);
    loop.start();
  }
}
