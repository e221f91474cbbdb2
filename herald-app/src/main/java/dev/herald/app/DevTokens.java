package dev.herald.app;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Mints HS256 Mercure tokens and development keys. */
final class DevTokens {
  private DevTokens() {}

  /** Returns a random key of 256 bits, as text usable with {@code --jwt-key}. */
  static String randomKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Returns a compact HS256 JWT with the given Mercure selectors. */
  static String mint(
      String key,
      List<String> publish,
      List<String> subscribe,
      @Nullable String subject,
      @Nullable Duration ttl) {
    Map<String, Object> mercure = new LinkedHashMap<>();
    if (!publish.isEmpty()) {
      mercure.put("publish", publish);
    }
    if (!subscribe.isEmpty()) {
      mercure.put("subscribe", subscribe);
    }
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("mercure", mercure);
    if (subject != null) {
      claims.subject(subject);
    }
    if (ttl != null && !ttl.isZero()) {
      claims.expirationTime(Date.from(Instant.now().plus(ttl)));
    }
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
      jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
  }
}
