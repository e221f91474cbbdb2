package dev.herald.client.internal;

import dev.herald.sse.MessageEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The listeners of an event source: added from any thread, called on the loop's thread. A listener
 * that throws does not stop the stream: its exception goes to the error listeners, and an error
 * listener's own exception is logged.
 */
public final class Listeners implements SourceSink {
  private static final System.Logger LOG = System.getLogger("dev.herald.client.EventSource");

  private record Typed(@Nullable String type, Consumer<? super MessageEvent> listener) {}

  private final List<Typed> events = new CopyOnWriteArrayList<>();
  private final List<Runnable> opens = new CopyOnWriteArrayList<>();
  private final List<Consumer<? super Throwable>> errors = new CopyOnWriteArrayList<>();
  private final List<Runnable> closes = new CopyOnWriteArrayList<>();

  /** Adds a listener for events of the type, or of every type when it is null. */
  public void addEvent(@Nullable String type, Consumer<? super MessageEvent> listener) {
    events.add(new Typed(type, Objects.requireNonNull(listener, "listener")));
  }

  /** Adds an open listener. */
  public void addOpen(Runnable listener) {
    opens.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Adds an error listener. */
  public void addError(Consumer<? super Throwable> listener) {
    errors.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Adds a close listener. */
  public void addClosed(Runnable listener) {
    closes.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public long capacity() {
    return Long.MAX_VALUE;
  }

  @Override
  public void onOpen() {
    for (Runnable listener : opens) {
      call(listener);
    }
  }

  @Override
  public void onEvent(MessageEvent event) {
    String type = Objects.requireNonNullElse(event.type(), MessageEvent.DEFAULT_TYPE);
    for (Typed typed : events) {
      if (typed.type() == null || typed.type().equals(type)) {
        call(() -> typed.listener().accept(event));
      }
    }
  }

  @Override
  public void onError(Throwable error) {
    for (Consumer<? super Throwable> listener : errors) {
      try {
        listener.accept(error);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        LOG.log(System.Logger.Level.WARNING, "EventSource error listener threw", e);
      }
    }
  }

  @Override
  public void onClosed(@Nullable Throwable failure) {
    for (Runnable listener : closes) {
      call(listener);
    }
  }

  private void call(Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException | LinkageError | AssertionError e) {
      if (errors.isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, "EventSource listener threw", e);
      } else {
        onError(e);
      }
    }
  }
}
