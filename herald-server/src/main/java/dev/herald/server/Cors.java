package dev.herald.server;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Cross-origin resource sharing: which other origins may call the server from a browser, and
 * whether they may send credentials (cookies) along.
 *
 * <p>Only origins on the allow-list receive {@code Access-Control-Allow-Origin}, always as the
 * exact origin (never {@code *} when credentials are allowed). Preflight requests are answered by
 * the server. {@code Last-Event-ID}, {@code Authorization} and {@code Content-Type} are allowed
 * request headers by default, so an {@code EventSource} that resumes, and a fetch with a token,
 * both pass. Immutable.
 */
public final class Cors {
  private final Set<String> origins;
  private final boolean allowCredentials;
  private final Set<String> allowedHeaders;
  private final Duration maxAge;

  private Cors(Builder builder) {
    this.origins = Set.copyOf(builder.origins);
    this.allowCredentials = builder.allowCredentials;
    this.allowedHeaders = Set.copyOf(builder.allowedHeaders);
    this.maxAge = builder.maxAge;
  }

  /**
   * Returns a builder allowing the given origins, such as {@code https://app.example.com}.
   *
   * @throws IllegalArgumentException if no origin is given, or one is {@code *} or ends with a
   *     slash
   */
  public static Builder allowOrigins(String... origins) {
    return new Builder(List.of(origins));
  }

  /** Returns the allowed origins. */
  public Set<String> origins() {
    return origins;
  }

  /** Returns whether credentials (cookies, HTTP authentication) are allowed; default false. */
  public boolean allowCredentials() {
    return allowCredentials;
  }

  /** Returns the request headers a cross-origin request may carry. */
  public Set<String> allowedHeaders() {
    return allowedHeaders;
  }

  /** Returns how long a browser may cache a preflight answer; default 10 minutes. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Builds a {@link Cors}. Not thread-safe. */
  public static final class Builder {
    private final Set<String> origins = new LinkedHashSet<>();
    private boolean allowCredentials;
    private final Set<String> allowedHeaders =
        new LinkedHashSet<>(
            List.of("Last-Event-ID", "Authorization", "Content-Type", "Cache-Control"));
    private Duration maxAge = Duration.ofMinutes(10);

    private Builder(List<String> origins) {
      if (origins.isEmpty()) {
        throw new IllegalArgumentException("origins: none (expected: at least one)");
      }
      for (String origin : origins) {
        Objects.requireNonNull(origin, "origin");
        if (origin.equals("*") || origin.endsWith("/") || !origin.contains("://")) {
          throw new IllegalArgumentException(
              "origin: " + origin + " (expected: scheme://host[:port], without a trailing slash)");
        }
        this.origins.add(origin);
      }
    }

    /** Allows credentials: cookies and HTTP authentication. */
    public Builder allowCredentials(boolean allow) {
      this.allowCredentials = allow;
      return this;
    }

    /** Adds request headers that cross-origin requests may carry. */
    public Builder allowHeaders(String... headers) {
      for (String header : headers) {
        allowedHeaders.add(Objects.requireNonNull(header, "header"));
      }
      return this;
    }

    /**
     * Sets how long a browser may cache a preflight answer.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder maxAge(Duration maxAge) {
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("maxAge: " + maxAge + " (expected: >= 0)");
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Returns the configuration. */
    public Cors build() {
      return new Cors(this);
    }
  }
}
