package dev.herald.app;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Mints HS256 Mercure tokens for tests, independently of the code under test. */
final class Tokens {
  /** A key of 40 bytes, long enough for HS256. */
  static final String KEY = "test-key-0123456789-0123456789-0123456789";

  /** Another valid key, to check that the right one is used. */
  static final String OTHER_KEY = "other-key-abcdefghij-abcdefghij-abcdefghij";

  private Tokens() {}

  /** Returns a token signed with {@code key} that may publish and subscribe to every topic. */
  static String all(String key) throws Exception {
    return mint(key, List.of("*"), List.of("*"));
  }

  static String mint(String key, List<String> publish, List<String> subscribe) throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .claim("mercure", Map.of("publish", publish, "subscribe", subscribe))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
