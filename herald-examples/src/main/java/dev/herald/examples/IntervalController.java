package dev.herald.examples;

import dev.herald.server.Controller;
import dev.herald.server.Sse;
import dev.herald.sse.MessageEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The interval stream of NestJS's official page: {@code GET /sse} sends {@code {"hello":"world"}}
 * every tick, and runs its cleanup when the client goes away.
 *
 * <pre>{@code
 * @Sse('sse')
 * sse(): Observable<MessageEvent> {
 *   return interval(1000).pipe(
 *     map((_) => ({ data: { hello: 'world' } })),
 *     finalize(() => console.log('Client disconnected')));
 * }
 * }</pre>
 *
 * <p>Herald cancels the subscription exactly once when the client disconnects (or the server
 * stops), so {@code doFinally} plays the part of {@code finalize}. Thread-safe.
 */
@Controller
final class IntervalController {
  private static final Logger LOG = LoggerFactory.getLogger(IntervalController.class);
  private static final Map<String, String> HELLO = Map.of("hello", "world");

  private final Duration period;
  private final AtomicLong cleanups = new AtomicLong();

  IntervalController(Duration period) {
    this.period = period;
  }

  @Sse("sse")
  Flux<MessageEvent> sse() {
    return Flux.interval(period)
        // A tick nobody had room for is worth nothing later: drop it rather than fail the stream.
        .onBackpressureDrop()
        .map(tick -> MessageEvent.of(HELLO))
        .doFinally(
            signal -> {
              cleanups.incrementAndGet();
              LOG.info("client disconnected from /sse");
            });
  }

  /** Returns how many {@code /sse} streams have run their cleanup. */
  long cleanups() {
    return cleanups.get();
  }
}
