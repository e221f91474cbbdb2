package dev.herald.client;

import dev.herald.client.internal.RetryAfter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Publishes updates to a Mercure hub: {@code POST}s each {@link Publication} as a form with the
 * publisher's JWT, and returns the id the hub gives it.
 *
 * <pre>{@code
 * HubPublisher hub = HubPublisher.builder(URI.create("https://example.com/.well-known/mercure"))
 *     .token(() -> jwt)
 *     .build();
 * String id = hub.publish(Publication.of("https://example.com/books/1", "{\"price\":10}"));
 * }</pre>
 *
 * <p><b>Retries.</b> A connection error, a timeout, a {@code 5xx}, a {@code 408} or a {@code 429}
 * is retried, up to {@link Builder#maxAttempts(int)} attempts in all, after {@link
 * Builder#retryDelay(Duration)} doubled per attempt plus jitter, or after the {@code Retry-After}
 * the hub sends (at most {@value #MAX_RETRY_DELAY_MILLIS} ms). Every attempt carries the same id:
 * the publication's, or {@code urn:uuid:} and a random UUID made once per call when it has none. So
 * an update whose first attempt reached the hub but whose answer was lost is sent again under the
 * same id, and subscribers (or a hub that drops an id it already holds) can recognise the
 * duplicate. Any other status fails at once with a {@link PublishException}.
 *
 * <p>Thread-safe; one publisher may serve a whole application.
 */
public final class HubPublisher {
  /** The default number of attempts per publication: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** The default delay before the first retry: {@value} ms. */
  public static final long DEFAULT_RETRY_DELAY_MILLIS = 250;

  /** The default time one attempt may take: {@value} ms. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;

  /** The longest wait between two attempts, whatever {@code Retry-After} says: {@value} ms. */
  public static final long MAX_RETRY_DELAY_MILLIS = 30_000;

  private final URI hubUrl;
  private final @Nullable Supplier<String> token;
  private final HttpClient client;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final Duration timeout;

  private HubPublisher(Builder b) {
    this.hubUrl = b.hubUrl;
    this.token = b.token;
    this.client = b.client != null ? b.client : DefaultClient.get();
    this.maxAttempts = b.maxAttempts;
    this.retryDelay = b.retryDelay;
    this.timeout = b.timeout;
  }

  /** Returns a builder for a publisher to the hub at the given URL. */
  public static Builder builder(URI hubUrl) {
    return new Builder(hubUrl);
  }

  /** Returns the hub's URL. */
  public URI hubUrl() {
    return hubUrl;
  }

  /**
   * Publishes the update, retrying as the type's documentation says, and returns the id the hub
   * answered with.
   *
   * @throws PublishException if the hub refused the update or every attempt failed, or the thread
   *     was interrupted (its interrupt status is then set again)
   */
  public String publish(Publication publication) {
    CompletableFuture<String> result = publishAsync(publication);
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new PublishException(0, "interrupted while publishing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new PublishException(0, "publish failed: " + cause, cause);
    }
  }

  /**
   * Publishes the update without blocking; the future completes with the hub's id, or with a {@link
   * PublishException}. It completes on the HTTP client's threads; cancelling it stops further
   * retries.
   */
  public CompletableFuture<String> publishAsync(Publication publication) {
    Objects.requireNonNull(publication, "publication");
    String id = publication.id() != null ? publication.id() : "urn:uuid:" + UUID.randomUUID();
    String form = form(publication, id);
    CompletableFuture<String> result = new CompletableFuture<>();
    attempt(form, 1, result);
    return result;
  }

  private void attempt(String form, int attempt, CompletableFuture<String> result) {
    if (result.isDone()) {
      return;
    }
    HttpRequest request;
    try {
      request = request(form);
    } catch (RuntimeException e) {
      result.completeExceptionally(new PublishException(0, "token supplier failed: " + e, e));
      return;
    }
    client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              if (response == null) {
                Throwable cause = unwrap(error);
                retryOrFail(form, attempt, result, 0, "publish failed: " + cause, cause, null);
              } else {
                answered(form, attempt, result, response);
              }
            });
  }

  private void answered(
      String form, int attempt, CompletableFuture<String> result, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      result.complete(response.body());
      return;
    }
    String message = "hub answered " + status + ": " + abbreviate(response.body());
    if (status >= 500 || status == 408 || status == 429) {
      Duration retryAfter =
          RetryAfter.parse(
              response.headers().firstValue("Retry-After").orElse(null), Instant.now());
      retryOrFail(form, attempt, result, status, message, null, retryAfter);
    } else {
      result.completeExceptionally(new PublishException(status, message, null));
    }
  }

  private void retryOrFail(
      String form,
      int attempt,
      CompletableFuture<String> result,
      int status,
      String message,
      @Nullable Throwable cause,
      @Nullable Duration retryAfter) {
    if (attempt >= maxAttempts || result.isDone()) {
      result.completeExceptionally(
          new PublishException(status, message + " (after " + attempt + " attempts)", cause));
      return;
    }
    long delay = retryAfter != null ? retryAfter.toMillis() : backoff(attempt);
    delay = Math.min(delay, MAX_RETRY_DELAY_MILLIS);
    CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
        .execute(() -> attempt(form, attempt + 1, result));
  }

  private long backoff(int attempt) {
    long base = retryDelay.toMillis();
    long delay = base;
    for (int i = 1; i < attempt && delay < MAX_RETRY_DELAY_MILLIS; i++) {
      delay *= 2;
    }
    long jitter = delay / 2 == 0 ? 0 : ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    return delay + jitter;
  }

  private HttpRequest request(String form) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(hubUrl)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
    if (token != null) {
      String jwt = Objects.requireNonNull(token.get(), "token supplier returned null");
      request.header("Authorization", "Bearer " + jwt);
    }
    return request.build();
  }

  /** Encodes the fields as the Mercure protocol names them. */
  static String form(Publication p, String id) {
    StringBuilder form = new StringBuilder();
    for (String topic : p.topics()) {
      field(form, "topic", topic);
    }
    field(form, "data", p.data());
    if (p.privateUpdate()) {
      field(form, "private", "on");
    }
    field(form, "id", id);
    if (p.type() != null) {
      field(form, "type", p.type());
    }
    if (p.retry() != null) {
      field(form, "retry", Long.toString(p.retry().toMillis()));
    }
    return form.toString();
  }

  private static void field(StringBuilder form, String name, String value) {
    if (form.length() > 0) {
      form.append('&');
    }
    form.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String abbreviate(@Nullable String body) {
    if (body == null) {
      return "";
    }
    String s = body.strip();
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  private static Throwable unwrap(@Nullable Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e != null ? e : new IOException("request failed");
  }

  /** Builds a {@link HubPublisher}. Not thread-safe. */
  public static final class Builder {
    private final URI hubUrl;
    private @Nullable Supplier<String> token;
    private @Nullable HttpClient client;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryDelay = Duration.ofMillis(DEFAULT_RETRY_DELAY_MILLIS);
    private Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);

    private Builder(URI hubUrl) {
      this.hubUrl = Objects.requireNonNull(hubUrl, "hubUrl");
      if (!"http".equalsIgnoreCase(hubUrl.getScheme())
          && !"https".equalsIgnoreCase(hubUrl.getScheme())) {
        throw new IllegalArgumentException(
            "hubUrl: " + hubUrl + " (expected: an http or https URI)");
      }
    }

    /**
     * Sets the supplier of the publisher's JWT, sent as {@code Authorization: Bearer}; called for
     * every attempt, on the calling thread for the first and on a timer thread for retries. Default
     * none.
     */
    public Builder token(@Nullable Supplier<String> token) {
      this.token = token;
      return this;
    }

    /**
     * Sets the HTTP client; default a shared one that does not follow redirects. The caller owns a
     * client given here.
     */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the most attempts per publication, the first included; default {@value
     * HubPublisher#DEFAULT_MAX_ATTEMPTS}; 1 for no retry.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts <= 0) {
        throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: > 0)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets the delay before the first retry, doubled for each next one; default {@value
     * HubPublisher#DEFAULT_RETRY_DELAY_MILLIS} ms.
     */
    public Builder retryDelay(Duration retryDelay) {
      Objects.requireNonNull(retryDelay, "retryDelay");
      if (retryDelay.isNegative()) {
        throw new IllegalArgumentException("retryDelay: " + retryDelay + " (expected: >= 0)");
      }
      this.retryDelay = retryDelay;
      return this;
    }

    /**
     * Sets the time one attempt may take until the hub's answer; default {@value
     * HubPublisher#DEFAULT_TIMEOUT_MILLIS} ms.
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      this.timeout = timeout;
      return this;
    }

    /** Returns the publisher. */
    public HubPublisher build() {
      return new HubPublisher(this);
    }
  }
}
