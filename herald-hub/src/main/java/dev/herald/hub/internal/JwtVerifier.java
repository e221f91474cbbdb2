package dev.herald.hub.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.herald.hub.JwtKey;
import dev.herald.server.HttpStatusException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies compact JWS tokens against a {@link JwtKey} and returns their Mercure claims.
 *
 * <p>A token is refused with a 401 {@link HttpStatusException} when it is malformed, unsigned
 * ({@code alg: none}, or encrypted), signed with an algorithm the key does not accept (an {@code
 * HS256} token against an RSA key, or the reverse), signed by another key, expired ({@code exp} at
 * or before now), not yet valid ({@code nbf} later than now plus {@link #CLOCK_SKEW}), issued in
 * the future ({@code iat} likewise), or carries claims of the wrong type. Tokens without {@code
 * exp} are accepted. The {@code typ} header is not checked, as by the reference hub. The messages
 * are short and never contain the token or the key.
 *
 * <p>When a remote JWK Set cannot be fetched the answer is 503 {@code key set unavailable}: the
 * token may well be valid.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class JwtVerifier {
  /**
   * How far {@code nbf} and {@code iat} may lie in the future, to absorb the difference between the
   * clocks of the token's issuer and the hub: 5 seconds. {@code exp} gets none.
   */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  /** Accepts any {@code typ}: publishers send {@code JWT}, nothing, or their IdP's own type. */
  private static final JOSEObjectTypeVerifier<SecurityContext> ANY_TYPE = (type, context) -> {};

  private final Set<JWSAlgorithm> algorithms;
  private final DefaultJWTProcessor<SecurityContext> processor;

  /** Creates a verifier for the given key, on the system clock. */
  public JwtVerifier(JwtKey key) {
    this(key, Clock.systemUTC());
  }

  JwtVerifier(JwtKey key, Clock clock) {
    KeyMaterial material = KeyMaterial.of(key);
    this.algorithms = material.algorithms();
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(ANY_TYPE);
    p.setJWSKeySelector(material.keySelector());
    p.setJWTClaimsSetVerifier(new TimeClaimsVerifier(CLOCK_SKEW, Objects.requireNonNull(clock)));
    this.processor = p;
  }

  /**
   * Verifies a token and returns its claims.
   *
   * @throws HttpStatusException with status 401 if the token is refused, or 503 if the key set it
   *     needs cannot be fetched
   */
  public MercureClaims verify(String compactJws) {
    Objects.requireNonNull(compactJws, "compactJws");
    SignedJWT jwt = parseSigned(compactJws);
    if (!algorithms.contains(jwt.getHeader().getAlgorithm())) {
      throw HttpStatusException.unauthorized("invalid token: algorithm not allowed");
    }
    return MercureClaims.from(process(jwt));
  }

  private static SignedJWT parseSigned(String compactJws) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(compactJws);
    } catch (ParseException e) {
      throw HttpStatusException.unauthorized("invalid token: malformed");
    }
    if (!(jwt instanceof SignedJWT)) {
      throw HttpStatusException.unauthorized("invalid token: not signed");
    }
    return (SignedJWT) jwt;
  }

  // The causes are not attached: Nimbus's messages may quote parts of the token, which the server
  // would then log.
  private JWTClaimsSet process(SignedJWT jwt) {
    try {
      return processor.process(jwt, null);
    } catch (TimeClaimsVerifier.RejectedClaimException e) {
      throw HttpStatusException.unauthorized(Objects.requireNonNull(e.getMessage()));
    } catch (BadJWTException e) {
      throw HttpStatusException.unauthorized("invalid token: malformed claims");
    } catch (BadJWSException e) {
      throw HttpStatusException.unauthorized("invalid token: bad signature");
    } catch (BadJOSEException | RateLimitReachedException e) {
      // No key of the token's type and kid; an unknown kid past the refresh limit ends up here too.
      throw HttpStatusException.unauthorized("invalid token: no matching key");
    } catch (KeySourceException e) {
      throw new HttpStatusException(503, "key set unavailable", e);
    } catch (JOSEException e) {
      throw HttpStatusException.unauthorized("invalid token: bad signature");
    }
  }
}
