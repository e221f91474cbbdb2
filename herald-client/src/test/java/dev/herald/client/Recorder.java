package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.MessageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records everything an event source reports, in order, and lets a test take the records one by one
 * with a timeout and check that nothing unexpected is left.
 */
final class Recorder {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  sealed interface Record permits Opened, Event, Failed, Closed {}

  record Opened(String thread) implements Record {}

  record Event(MessageEvent event, String lastEventId, String thread) implements Record {}

  record Failed(Throwable error, EventSource.ReadyState state) implements Record {}

  record Closed(EventSource.ReadyState state) implements Record {}

  private final BlockingQueue<Record> records = new LinkedBlockingQueue<>();

  /** Registers on every listener of the source, and returns it. */
  static Recorder on(EventSource source) {
    Recorder recorder = new Recorder();
    source
        .onOpen(() -> recorder.records.add(new Opened(Thread.currentThread().getName())))
        .onMessage(
            e ->
                recorder.records.add(
                    new Event(e, source.lastEventId(), Thread.currentThread().getName())))
        .onError(e -> recorder.records.add(new Failed(e, source.readyState())))
        .onClosed(() -> recorder.records.add(new Closed(source.readyState())));
    return recorder;
  }

  Record next() throws InterruptedException {
    Record r = records.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(r).as("a record within %s", TIMEOUT).isNotNull();
    return r;
  }

  <T extends Record> T next(Class<T> type) throws InterruptedException {
    Record r = next();
    assertThat(r).isInstanceOf(type);
    return type.cast(r);
  }

  Opened opened() throws InterruptedException {
    return next(Opened.class);
  }

  MessageEvent event() throws InterruptedException {
    return next(Event.class).event();
  }

  /** Takes the next event and checks its data. */
  MessageEvent event(String data) throws InterruptedException {
    MessageEvent e = event();
    assertThat(e.dataString()).isEqualTo(data);
    return e;
  }

  Failed failed() throws InterruptedException {
    return next(Failed.class);
  }

  Closed closed() throws InterruptedException {
    return next(Closed.class);
  }

  /** Takes records until the next one that is not an event; returns the events. */
  List<MessageEvent> events(int count) throws InterruptedException {
    List<MessageEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(event());
    }
    return events;
  }

  void assertEmpty() {
    assertThat(records).isEmpty();
  }
}
