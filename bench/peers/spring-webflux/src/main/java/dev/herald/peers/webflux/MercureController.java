package dev.herald.peers.webflux;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The Mercure subset the benchmark drives, written the way the Spring docs teach SSE with WebFlux:
 * a handler returning {@code Flux<ServerSentEvent<String>>} (Spring Framework reference, "Reactive
 * Core / Codecs / Server-Sent Events"), fed by a multicast {@link Sinks.Many} (Reactor reference,
 * "Sinks").
 */
@RestController
@RequestMapping("/.well-known/mercure")
class MercureController {

  /*
   * Overflow strategy: multicast().onBackpressureBuffer(), the flavour the Reactor reference
   * introduces for multicast ("transmit only newly pushed data to its subscribers, honoring their
   * backpressure"). It never drops an event silently: a subscriber without demand holds the
   * others back, up to Queues.SMALL_BUFFER_SIZE (256) buffered updates, and past that tryEmitNext
   * answers FAIL_OVERFLOW, which the POST turns into a 503 the publisher sees. We did not take
   * directBestEffort (it silently skips any subscriber that has no demand at that instant — about
   * a third of the events at 1,000 subscribers x 200/s in issue 7) nor directAllOrNothing (it drops
   * the event for everyone as soon as one subscriber lacks demand, which under load rejects most
   * publishes). autoCancel is false: with the default (true) the sink terminates when its last
   * subscriber leaves and every later subscriber gets an empty stream. Known properties of this
   * sink, kept because they are what the docs give: it "warms up" (remembers up to 256 updates
   * published while nobody is subscribed and hands them to the first subscriber), and a slow
   * subscriber slows every subscriber.
   */
  private final Sinks.Many<Update> sink =
      Sinks.many().multicast().onBackpressureBuffer(Queues.SMALL_BUFFER_SIZE, false);

  private final AtomicLong nextId = new AtomicLong();

  /** GET /.well-known/mercure?topic=T: the updates posted to T, as text/event-stream. */
  @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<String>> subscribe(@RequestParam String topic) {
    return sink.asFlux()
        .filter(update -> update.topic().equals(topic))
        .map(update -> ServerSentEvent.builder(update.data()).id(update.id()).build());
  }

  /**
   * POST /.well-known/mercure with form topic=T&amp;data=D: 200 with the update's id. WebFlux reads
   * form data through {@link ServerWebExchange#getFormData()} (Spring reference, "WebFlux / Form
   * Data").
   */
  @PostMapping(consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  Mono<ResponseEntity<String>> publish(ServerWebExchange exchange) {
    return exchange.getFormData().map(this::publish);
  }

  private ResponseEntity<String> publish(MultiValueMap<String, String> form) {
    String topic = form.getFirst("topic");
    if (topic == null || topic.isEmpty()) {
      return ResponseEntity.badRequest()
          .contentType(MediaType.TEXT_PLAIN)
          .body("topic: missing (expected: form field topic)");
    }
    String data = form.getFirst("data");
    String id = "urn:uuid:peer-webflux-" + nextId.incrementAndGet();
    return emit(new Update(topic, id, data == null ? "" : data));
  }

  /**
   * Emits with tryEmitNext under a lock. Reactor's sinks fail fast (FAIL_NON_SERIALIZED) when two
   * threads emit at once, and the POSTs arrive on several Reactor Netty event loops; Reactor's
   * documentation asks for emissions to be serialized by the caller. (Spinning instead, as
   * EmitFailureHandler.busyLooping does, cannot make progress on a server pinned to one core: the
   * emitting thread is descheduled while the other spins.) Overflow is answered, not turned into a
   * terminated sink as emitNext would.
   */
  private ResponseEntity<String> emit(Update update) {
    Sinks.EmitResult result;
    synchronized (sink) {
      result = sink.tryEmitNext(update);
    }
    switch (result) {
      case OK, FAIL_ZERO_SUBSCRIBER:
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(update.id());
      case FAIL_OVERFLOW:
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .contentType(MediaType.TEXT_PLAIN)
            .body("subscribers too slow: update not published");
      default:
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
            .contentType(MediaType.TEXT_PLAIN)
            .body("sink: " + result);
    }
  }
}
