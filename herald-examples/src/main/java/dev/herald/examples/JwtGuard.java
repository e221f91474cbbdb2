package dev.herald.examples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.server.Guard;
import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits requests carrying {@code Authorization: Bearer <JWT>} signed with HS256 and the configured
 * key: NestJS's {@code JwtAuthGuard}. The principal is the token's subject, the user id.
 *
 * <p>Refuses with {@code 401} and a short message when the token is missing, malformed, signed with
 * another key or another algorithm (unsigned {@code alg: none} tokens included), expired, not valid
 * yet, or without a subject. Tokens without {@code exp} do not expire. No clock skew is allowed:
 * the tokens this guard accepts are issued by the same process ({@link #issue}). Thread-safe.
 */
final class JwtGuard implements Guard {
  private static final Logger LOG = LoggerFactory.getLogger(JwtGuard.class);
  private static final String BEARER = "Bearer ";

  private final MACSigner signer;
  private final MACVerifier verifier;

  JwtGuard(byte[] key) {
    Objects.requireNonNull(key, "key");
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("key: " + e.getMessage(), e);
    }
  }

  @Override
  public String check(Request request) {
    SignedJWT jwt = parse(bearerToken(request));
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !verified(jwt)) {
      throw HttpStatusException.unauthorized("invalid token");
    }
    JWTClaimsSet claims = claims(jwt);
    Instant now = Instant.now();
    Date expires = claims.getExpirationTime();
    if (expires != null && !now.isBefore(expires.toInstant())) {
      throw HttpStatusException.unauthorized("token expired");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.isBefore(notBefore.toInstant())) {
      throw HttpStatusException.unauthorized("token not valid yet");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw HttpStatusException.unauthorized("token has no subject");
    }
    return subject;
  }

  /** Returns an HS256 token for the user, signed with this guard's key. */
  String issue(String userId, Instant expiresAt) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(Objects.requireNonNull(userId, "userId"))
            .issueTime(new Date())
            .expirationTime(Date.from(expiresAt))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  private static String bearerToken(Request request) {
    String authorization = request.header("Authorization");
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.substring(BEARER.length()).isBlank()) {
      throw HttpStatusException.unauthorized("missing bearer token");
    }
    return authorization.substring(BEARER.length()).strip();
  }

  private static SignedJWT parse(String token) {
    try {
      // Fails on unsigned tokens: their header names no JWS algorithm.
      return SignedJWT.parse(token);
    } catch (ParseException e) {
      throw HttpStatusException.unauthorized("invalid token");
    }
  }

  private boolean verified(SignedJWT jwt) {
    try {
      return jwt.verify(verifier);
    } catch (JOSEException | IllegalStateException e) {
      LOG.debug("token not verified", e);
      return false;
    }
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw HttpStatusException.unauthorized("invalid token");
    }
  }
}
