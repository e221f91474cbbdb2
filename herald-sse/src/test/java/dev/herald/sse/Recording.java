package dev.herald.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Records what a parser reports, in order. */
final class Recording implements SseListener {
  /** A comment line as reported. */
  record Comment(String text) {}

  /** A retry field as reported. */
  record Retry(long millis) {}

  private final List<Object> log = new ArrayList<>();

  @Override
  public void onEvent(MessageEvent event) {
    log.add(event);
  }

  @Override
  public void onComment(String comment) {
    log.add(new Comment(comment));
  }

  @Override
  public void onRetry(long millis) {
    log.add(new Retry(millis));
  }

  /** Returns everything reported, in order: events, comments and retries. */
  List<Object> log() {
    return List.copyOf(log);
  }

  List<MessageEvent> events() {
    return log.stream()
        .filter(MessageEvent.class::isInstance)
        .map(MessageEvent.class::cast)
        .collect(Collectors.toList());
  }

  List<String> comments() {
    return log.stream()
        .filter(Comment.class::isInstance)
        .map(c -> ((Comment) c).text())
        .collect(Collectors.toList());
  }

  List<Long> retries() {
    return log.stream()
        .filter(Retry.class::isInstance)
        .map(r -> ((Retry) r).millis())
        .collect(Collectors.toList());
  }
}
