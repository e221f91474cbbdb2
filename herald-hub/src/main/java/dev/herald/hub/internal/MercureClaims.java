package dev.herald.hub.internal;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.server.HttpStatusException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Holds what a verified token grants: the {@code mercure} claim's topic selectors and payload, and
 * the registered claims the hub needs.
 *
 * <p>{@code publish} and {@code subscribe} are null when the claim is absent, which is not the same
 * as an empty list: a token without {@code mercure.publish} may not publish at all. Immutable and
 * thread-safe; the payload is deep-copied into unmodifiable maps and lists.
 *
 * @param publish the topic selectors the holder may publish to, or null if absent
 * @param subscribe the topic selectors the holder may receive private updates for, or null if
 *     absent
 * @param payload the {@code mercure.payload} JSON value as Nimbus reads it ({@code Map}s, {@code
 *     List}s, {@code String}s, {@code Long}s or {@code Double}s, {@code Boolean}s, nulls), or null
 * @param expiresAt the {@code exp} claim, or null if the token does not expire
 * @param subject the {@code sub} claim, or null
 */
public record MercureClaims(
    @Nullable List<String> publish,
    @Nullable List<String> subscribe,
    @Nullable Object payload,
    @Nullable Instant expiresAt,
    @Nullable String subject) {

  /** The claim holding Mercure's grants. */
  public static final String CLAIM = "mercure";

  /** The namespaced claim older publishers use; when present it replaces {@link #CLAIM}. */
  public static final String LEGACY_CLAIM = "https://mercure.rocks/";

  /** Creates claims, copying the lists and the payload. */
  public MercureClaims {
    publish = publish == null ? null : List.copyOf(publish);
    subscribe = subscribe == null ? null : List.copyOf(subscribe);
    payload = freeze(payload);
  }

  /**
   * Returns the Mercure claims of a verified claims set.
   *
   * @throws HttpStatusException with status 401 if the {@code mercure} claim is not a JSON object,
   *     or its {@code publish} or {@code subscribe} member is not an array of strings
   */
  public static MercureClaims from(JWTClaimsSet claims) {
    Object legacy = claims.getClaim(LEGACY_CLAIM);
    Object mercure = legacy != null ? legacy : claims.getClaim(CLAIM);
    Date exp = claims.getExpirationTime();
    Instant expiresAt = exp == null ? null : exp.toInstant();
    if (mercure == null) {
      return new MercureClaims(null, null, null, expiresAt, claims.getSubject());
    }
    if (!(mercure instanceof Map)) {
      throw malformed();
    }
    Map<?, ?> grants = (Map<?, ?>) mercure;
    return new MercureClaims(
        selectors(grants.get("publish")),
        selectors(grants.get("subscribe")),
        grants.get("payload"),
        expiresAt,
        claims.getSubject());
  }

  private static @Nullable List<String> selectors(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof List)) {
      throw malformed();
    }
    List<String> selectors = new ArrayList<>();
    for (Object item : (List<?>) value) {
      if (!(item instanceof String)) {
        throw malformed();
      }
      selectors.add((String) item);
    }
    return selectors;
  }

  private static HttpStatusException malformed() {
    return HttpStatusException.unauthorized("invalid token: malformed mercure claim");
  }

  private static @Nullable Object freeze(@Nullable Object value) {
    if (value instanceof Map) {
      Map<Object, @Nullable Object> copy = new LinkedHashMap<>();
      ((Map<?, ?>) value).forEach((k, v) -> copy.put(k, freeze(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List) {
      List<@Nullable Object> copy = new ArrayList<>();
      ((List<?>) value).forEach(v -> copy.add(freeze(v)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
