package dev.herald.client.internal;

import dev.herald.client.ErrorStrategy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The validated, immutable configuration of an event source, built by {@code EventSource.Builder}.
 *
 * @param headers name and value pairs, in order
 * @param readTimeout {@link Duration#ZERO} for none
 * @param bufferSize the events an iterator holds
 */
public record SourceConfig(
    URI uri,
    String method,
    HttpRequest.@Nullable BodyPublisher body,
    List<Header> headers,
    @Nullable Supplier<String> token,
    String lastEventId,
    Duration reconnectTime,
    Duration maxReconnectTime,
    Duration backoffResetThreshold,
    Duration readTimeout,
    int maxEventSize,
    ErrorStrategy errorStrategy,
    HttpClient client,
    HttpClient.@Nullable Version version,
    int bufferSize) {

  /** A request header set by the user. */
  public record Header(String name, String value) {}
}
