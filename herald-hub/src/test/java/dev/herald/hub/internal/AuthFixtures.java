package dev.herald.hub.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.server.Request;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Keys, tokens and a fake {@link Request} for the authorization tests. */
final class AuthFixtures {
  /** 64 bytes: enough for HS256, HS384 and HS512. */
  static final String SECRET = "publisher-secret-0123456789abcdef-publisher-secret-0123456789abc";

  static final String OTHER_SECRET =
      "subscriber-secret-0123456789abcdef-subscriber-secret-0123456789";

  private static final Base64.Encoder PEM_ENCODER =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private AuthFixtures() {}

  static KeyPair rsaKeyPair() {
    return generate("RSA", 2048);
  }

  static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Returns the key as a {@code -----BEGIN PUBLIC KEY-----} block. */
  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + PEM_ENCODER.encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** Returns claims with a {@code mercure} claim. */
  static JWTClaimsSet.Builder mercure(Map<String, ?> grants) {
    return new JWTClaimsSet.Builder().claim("mercure", grants);
  }

  static JWTClaimsSet publisherClaims() {
    return mercure(Map.of("publish", List.of("*"))).build();
  }

  static String hmac(String secret, JWTClaimsSet claims) {
    return hmac(secret.getBytes(StandardCharsets.UTF_8), JWSAlgorithm.HS256, claims);
  }

  static String hmac(byte[] secret, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    try {
      return sign(new MACSigner(secret), new JWSHeader(algorithm), claims);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static String rsa(
      PrivateKey key, JWSAlgorithm algorithm, @Nullable String kid, JWTClaimsSet claims) {
    return sign(new RSASSASigner(key), new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
  }

  static String ec(PrivateKey key, @Nullable String kid, JWTClaimsSet claims) {
    try {
      return sign(
          new ECDSASigner((ECPrivateKey) key),
          new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
          claims);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  /** Returns an unsecured token: {@code base64url(header).base64url(claims).} */
  static String unsigned(String headerJson, JWTClaimsSet claims) {
    return Base64URL.encode(headerJson) + "." + Base64URL.encode(claims.toString()) + ".";
  }

  static Instant secondsFromNow(long seconds) {
    return Instant.now().plusSeconds(seconds);
  }

  /** A request as the auth code sees it: method, headers, query parameters and cookies. */
  static final class FakeRequest implements Request {
    private final String method;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private final Map<String, String> cookies = new LinkedHashMap<>();

    private FakeRequest(String method) {
      this.method = method;
    }

    static FakeRequest get() {
      return new FakeRequest("GET");
    }

    static FakeRequest post() {
      return new FakeRequest("POST");
    }

    FakeRequest header(String name, String value) {
      headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      return this;
    }

    FakeRequest bearer(String token) {
      return header("Authorization", "Bearer " + token);
    }

    FakeRequest query(String name, String value) {
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      return this;
    }

    FakeRequest cookie(String name, String value) {
      cookies.put(name, value);
      return this;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return "/.well-known/mercure";
    }

    @Override
    public String uri() {
      return path();
    }

    @Override
    public @Nullable String pathParam(String name) {
      return null;
    }

    @Override
    public Map<String, String> pathParams() {
      return Map.of();
    }

    @Override
    public @Nullable String query(String name) {
      List<String> values = queryAll(name);
      return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<String> queryAll(String name) {
      return List.copyOf(query.getOrDefault(name, List.of()));
    }

    @Override
    public Map<String, List<String>> queryParams() {
      return Map.copyOf(query);
    }

    @Override
    public @Nullable String header(String name) {
      List<String> values = headers(name);
      return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<String> headers(String name) {
      return List.copyOf(headers.getOrDefault(name, List.of()));
    }

    @Override
    public @Nullable String cookie(String name) {
      return cookies.get(name);
    }

    @Override
    public byte[] body() {
      return new byte[0];
    }

    @Override
    public String bodyText() {
      return "";
    }

    @Override
    public <T> T bodyJson(Class<T> type) {
      throw new UnsupportedOperationException();
    }

    @Override
    public @Nullable String lastEventId() {
      return null;
    }

    @Override
    public @Nullable Object principal() {
      return null;
    }

    @Override
    public <T> T principal(Class<T> type) {
      throw new UnsupportedOperationException();
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return new InetSocketAddress("127.0.0.1", 40000);
    }
  }
}
