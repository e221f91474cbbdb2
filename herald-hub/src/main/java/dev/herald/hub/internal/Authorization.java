package dev.herald.hub.internal;

import dev.herald.hub.JwtKey;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides who may publish and subscribe: finds a request's token ({@link TokenExtractor}), verifies
 * it ({@link JwtVerifier}) and checks that it grants the right kind of access.
 *
 * <p>It does not check topics: whether {@code mercure.publish} covers an update's topics, or {@code
 * mercure.subscribe} a private update's, is for the hub and its topic selectors. Immutable and
 * thread-safe.
 */
public final class Authorization {
  private final @Nullable JwtVerifier publisher;
  private final @Nullable JwtVerifier subscriber;
  private final String cookieName;
  private final Set<String> publishOrigins;
  private final boolean anonymous;

  private Authorization(
      @Nullable JwtVerifier publisher,
      @Nullable JwtVerifier subscriber,
      String cookieName,
      Set<String> publishOrigins,
      boolean anonymous) {
    this.publisher = publisher;
    this.subscriber = subscriber;
    this.cookieName = cookieName;
    this.publishOrigins = publishOrigins;
    this.anonymous = anonymous;
  }

  /**
   * Returns the authorization for a hub.
   *
   * @param publisherKey verifies publishers' tokens; null disables publishing
   * @param subscriberKey verifies subscribers' tokens; null lets everyone subscribe to public
   *     updates without looking at tokens, and nobody receive private ones
   * @param cookieName the cookie that may carry a token, usually {@link
   *     TokenExtractor#DEFAULT_COOKIE_NAME}
   * @param publishOrigins the origins a cookie-authorized publication may come from; {@code *}
   *     allows any
   * @param anonymous whether subscribers without a token are let in, for public updates only
   * @throws IllegalArgumentException if the cookie name is empty
   */
  public static Authorization of(
      @Nullable JwtKey publisherKey,
      @Nullable JwtKey subscriberKey,
      String cookieName,
      Set<String> publishOrigins,
      boolean anonymous) {
    Objects.requireNonNull(cookieName, "cookieName");
    if (cookieName.isEmpty()) {
      throw new IllegalArgumentException("cookieName: \"\" (expected: a cookie name)");
    }
    JwtVerifier publisher = publisherKey == null ? null : new JwtVerifier(publisherKey);
    JwtVerifier subscriber =
        subscriberKey == null
            ? null
            : subscriberKey == publisherKey ? publisher : new JwtVerifier(subscriberKey);
    return new Authorization(
        publisher, subscriber, cookieName, Set.copyOf(publishOrigins), anonymous);
  }

  /**
   * Returns the claims of a publisher allowed to publish.
   *
   * @throws HttpStatusException with status 403 if no publisher key is configured, 401 if the
   *     request has no valid token, or 403 if the token has no {@code mercure.publish} claim (an
   *     empty list is allowed: it permits public updates to any topic under the draft's rules)
   */
  public MercureClaims authorizePublisher(Request request) {
    if (publisher == null) {
      throw HttpStatusException.forbidden("publishing is disabled");
    }
    String token = TokenExtractor.extract(request, cookieName, true, publishOrigins);
    if (token == null) {
      throw HttpStatusException.unauthorized("missing publisher token");
    }
    MercureClaims claims = publisher.verify(token);
    if (claims.publish() == null) {
      throw HttpStatusException.forbidden("token does not allow publishing");
    }
    return claims;
  }

  /**
   * Returns who publishes, for per-publisher limits: {@code sub:} and the token's subject, or
   * {@code jwt:} and a SHA-256 hash of the token when it has no subject; never the token itself.
   */
  public String publisherIdentity(Request request, MercureClaims claims) {
    if (claims.subject() != null) {
      return "sub:" + claims.subject();
    }
    String token = TokenExtractor.extract(request, cookieName, true, publishOrigins);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(String.valueOf(token).getBytes(StandardCharsets.UTF_8));
      return "jwt:" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e); // every JVM has it
    }
  }

  /**
   * Returns the claims of a subscriber, or null for an anonymous one, who receives public updates
   * only. A valid token without {@code mercure.subscribe} is not anonymous but grants no private
   * updates either.
   *
   * @throws HttpStatusException with status 401 if the request's token is invalid (anonymous or
   *     not), or it has none and the hub is not anonymous
   */
  public @Nullable MercureClaims authorizeSubscriber(Request request) {
    if (subscriber == null) {
      return null;
    }
    String token = TokenExtractor.extract(request, cookieName, false, publishOrigins);
    if (token == null) {
      if (anonymous) {
        return null;
      }
      throw HttpStatusException.unauthorized("missing subscriber token");
    }
    return subscriber.verify(token);
  }
}
