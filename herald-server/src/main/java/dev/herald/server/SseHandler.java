package dev.herald.server;

/**
 * Handles a request with a stream of Server-Sent Events: Herald's {@code @Sse()}.
 *
 * <p>The handler runs on the server's handler executor and returns the stream as a {@link
 * java.util.concurrent.Flow.Publisher} or an {@code org.reactivestreams.Publisher} (so Reactor's
 * {@code Flux}, RxJava's {@code Flowable} and Mutiny's {@code Multi} work as they are), or a {@link
 * java.util.concurrent.CompletionStage} of one, for asynchronous lookups that may still refuse the
 * request, or an {@link EventStream} to add response headers. Each element is a {@link
 * dev.herald.sse.MessageEvent}, an {@link EncodedEvent} (written as is, for events shared by many
 * streams), or any other object, sent as the data of an event: as is if it is a {@link String}, as
 * JSON otherwise.
 *
 * <p>Until the stream opens the request can still be refused with a real status: a guard or the
 * handler throws an {@link HttpStatusException}, the returned stage fails, or the publisher signals
 * an error while it is being subscribed to (before the handler's call returns to the server). Then
 * the response commits with {@code 200 text/event-stream} and its head is flushed at once. An error
 * after that is sent as an {@code event: error} frame with a safe message, and the stream closes.
 *
 * <p>The server requests elements as the client's socket accepts them, and cancels the subscription
 * exactly once when the client goes away, an idle timeout passes, the client reads too slowly, or
 * the server stops. The publisher's own cleanup ({@code doFinally}, {@code finalize}) therefore
 * always runs. A publisher that ignores demand (a hot source) is cut once more than the server's
 * {@code maxBufferedBytes} wait for the client, as is one that signals {@link
 * SlowConsumerException}.
 */
@FunctionalInterface
public interface SseHandler {
  /** Returns the publisher of events for the request; see the type's documentation. */
  Object stream(Request request) throws Exception;
}
