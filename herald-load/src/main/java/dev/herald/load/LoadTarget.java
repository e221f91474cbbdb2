package dev.herald.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Describes the server a load run drives and how to reach it.
 *
 * @param url the hub URL: updates are published there with {@code POST} (form {@code topic}, {@code
 *     data}), and subscribers connect there with {@code GET ?topic=} unless {@code subscribeUrls}
 *     is not empty
 * @param subscribeUrls the URLs subscribers connect to, in turn (for a cluster: publish on one
 *     instance, subscribe on others); empty means {@code url}
 * @param publisherToken sent as {@code Authorization: Bearer} with every publication; null for none
 * @param subscriberToken sent as {@code Authorization: Bearer} with every subscription; null for
 *     none
 * @param sourceAddresses the local addresses connections leave from, in turn
 * @param serverPid the server's process id, to read its CPU time and memory from {@code /proc};
 *     null when not measured
 * @param threads the number of Netty event loops of the load generator (1 or 2 is plenty)
 * @param timeout how long any one step waits for the server (connecting, a response, catching up)
 *     before the run fails
 */
public record LoadTarget(
    URI url,
    List<URI> subscribeUrls,
    @Nullable String publisherToken,
    @Nullable String subscriberToken,
    SourceAddresses sourceAddresses,
    @Nullable Long serverPid,
    int threads,
    Duration timeout) {

  /** The default time-out of one step: 30 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException if a URL is not {@code http://host[:port]/path}, threads is
   *     not positive, or the time-out is not positive
   */
  public LoadTarget {
    Objects.requireNonNull(url, "url");
    subscribeUrls = List.copyOf(subscribeUrls);
    Objects.requireNonNull(sourceAddresses, "sourceAddresses");
    Objects.requireNonNull(timeout, "timeout");
    checkHttp("url", url);
    for (URI u : subscribeUrls) {
      checkHttp("subscribe url", u);
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
  }

  /** Returns a target at {@code url} without tokens, with default source addresses and threads. */
  public static LoadTarget of(URI url) {
    return new LoadTarget(
        url, List.of(), null, null, defaultSourceAddresses(url), null, 2, DEFAULT_TIMEOUT);
  }

  /**
   * Returns {@link SourceAddresses#DEFAULT_LOOPBACK_RANGE} when the URL's host is an IPv4 loopback
   * address or {@code localhost}, and no binding otherwise.
   */
  public static SourceAddresses defaultSourceAddresses(URI url) {
    String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    return host.equals("localhost") || host.startsWith("127.")
        ? SourceAddresses.parse(SourceAddresses.DEFAULT_LOOPBACK_RANGE)
        : SourceAddresses.none();
  }

  /** Returns the URL the {@code index}-th subscriber connects to. */
  public URI subscribeUrl(int index) {
    return subscribeUrls.isEmpty() ? url : subscribeUrls.get(index % subscribeUrls.size());
  }

  private static void checkHttp(String name, URI u) {
    if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException(
          name + ": '" + u + "' (expected: http://host[:port]/path; https is not supported)");
    }
  }
}
