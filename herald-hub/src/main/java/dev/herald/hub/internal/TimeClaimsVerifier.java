package dev.herald.hub.internal;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks a token's time claims: Nimbus's checks of {@code exp} and {@code nbf} with the clock skew,
 * then {@code exp} again without skew, and {@code iat}, which Nimbus does not check.
 *
 * <p>{@code exp} gets no skew because the hub closes a subscriber's stream at {@code exp} by its
 * own clock: accepting a token that has already expired would only open a stream to close it at
 * once. {@code nbf} and {@code iat} get the skew because publishers mint tokens and use them at
 * once, and their clock may run slightly ahead of the hub's. Thread-safe.
 */
final class TimeClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
  /** Nimbus's message for an {@code nbf} in the future; pinned by a test. */
  private static final String NOT_BEFORE_MESSAGE = "JWT before use time";

  private final Clock clock;
  private final Duration skew;

  TimeClaimsVerifier(Duration skew, Clock clock) {
    super(new JWTClaimsSet.Builder().build(), Set.of()); // no required or exact-match claims
    this.clock = clock;
    this.skew = skew;
    setMaxClockSkew((int) skew.toSeconds());
  }

  @Override
  public void verify(JWTClaimsSet claims, @Nullable SecurityContext context)
      throws BadJWTException {
    try {
      super.verify(claims, context);
    } catch (ExpiredJWTException e) {
      throw new RejectedClaimException("token expired");
    } catch (BadJWTException e) {
      throw new RejectedClaimException(
          NOT_BEFORE_MESSAGE.equals(e.getMessage())
              ? "token not yet valid"
              : "invalid token: claims rejected");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp != null && !exp.toInstant().isAfter(now)) {
      throw new RejectedClaimException("token expired");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && iat.toInstant().minus(skew).isAfter(now)) {
      throw new RejectedClaimException("invalid token: issued in the future");
    }
  }

  @Override
  protected Date currentTime() {
    return Date.from(clock.instant());
  }

  /** A claim check failed; the message is the short reason shown to the client. */
  static final class RejectedClaimException extends BadJWTException {
    RejectedClaimException(String reason) {
      super(reason);
    }
  }
}
