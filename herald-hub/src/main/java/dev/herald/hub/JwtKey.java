package dev.herald.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.herald.hub.internal.KeyMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.spec.SecretKeySpec;

/**
 * Says how the hub verifies the JWS tokens that publishers or subscribers present: with a shared
 * HMAC secret, an RSA public key, or a JSON Web Key Set read from a file or fetched from a URL.
 *
 * <p>A key also fixes the algorithms it accepts; a token signed with any other algorithm, {@code
 * alg: none} included, is refused. An HMAC key never accepts RSA or ECDSA tokens and the other keys
 * never accept HMAC tokens, so a public key cannot be abused as an HMAC secret.
 *
 * <p>Immutable and thread-safe. A key made by {@link #jwks(URI)} holds a cache of the fetched set,
 * shared by everything that verifies with it.
 */
public final class JwtKey {
  /** The shortest HMAC secret accepted, in bytes: HS256 needs a 256-bit key. */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  /** The smallest RSA modulus accepted, in bits. */
  public static final int MIN_RSA_KEY_BITS = 2048;

  private static final List<JWSAlgorithm> RSA_ALGORITHMS =
      List.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512);

  private static final List<JWSAlgorithm> JWKS_ALGORITHMS =
      List.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private static final Duration JWKS_HTTP_TIMEOUT = Duration.ofSeconds(2);
  private static final int JWKS_MAX_BYTES = 64 * 1024;
  private static final Duration JWKS_CACHE_TTL = Duration.ofMinutes(5);
  private static final Duration JWKS_REFRESH_WAIT = Duration.ofSeconds(5);
  private static final Duration JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);

  static {
    KeyMaterial.installAccess(key -> key.material);
  }

  private final KeyMaterial material;
  private final String description;

  private JwtKey(
      List<JWSAlgorithm> algorithms,
      JWSKeySelector<SecurityContext> keySelector,
      String description) {
    this.material = new KeyMaterial(Set.copyOf(algorithms), keySelector);
    this.description = description;
  }

  /**
   * Returns a key that verifies HMAC tokens signed with the given secret, taken as its UTF-8 bytes.
   *
   * <p>It accepts {@code HS256}, plus {@code HS384} when the secret has at least 48 bytes and
   * {@code HS512} when it has at least 64: a shorter secret is too weak for those algorithms (RFC
   * 7518 §3.2).
   *
   * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_HMAC_SECRET_BYTES}
   *     bytes
   */
  public static JwtKey hmac(String secret) {
    Objects.requireNonNull(secret, "secret");
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_HMAC_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "hmac secret: "
              + bytes.length
              + " bytes (expected: >= "
              + MIN_HMAC_SECRET_BYTES
              + " bytes, as HS256 needs a 256-bit key)");
    }
    List<JWSAlgorithm> algorithms =
        MACVerifier.getCompatibleAlgorithms(bytes.length * 8).stream()
            .sorted((a, b) -> a.getName().compareTo(b.getName()))
            .collect(Collectors.toList());
    Key key = new SecretKeySpec(bytes, "HmacSHA256");
    return new JwtKey(algorithms, singleKey(algorithms, key), "hmac");
  }

  /**
   * Returns a key that verifies {@code RS256}, {@code RS384}, {@code RS512}, {@code PS256}, {@code
   * PS384} and {@code PS512} tokens with an RSA public key in PEM form: either a {@code -----BEGIN
   * PUBLIC KEY-----} block (X.509 SubjectPublicKeyInfo, what {@code openssl rsa -pubout} writes) or
   * a {@code -----BEGIN CERTIFICATE-----} block whose key is used.
   *
   * <p>PKCS#1 {@code -----BEGIN RSA PUBLIC KEY-----} blocks are refused; convert them with {@code
   * openssl rsa -RSAPublicKey_in -in key.pem -pubout}. A token's {@code kid} header is ignored.
   *
   * @throws IllegalArgumentException if the text holds no such block, the key is not RSA, or its
   *     modulus is shorter than {@value #MIN_RSA_KEY_BITS} bits
   */
  public static JwtKey rsaPublicKeyPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    RSAPublicKey key =
        pem.contains("-----BEGIN CERTIFICATE-----") ? fromCertificate(pem) : fromPublicKeyPem(pem);
    int bits = key.getModulus().bitLength();
    if (bits < MIN_RSA_KEY_BITS) {
      throw new IllegalArgumentException(
          "rsaPublicKeyPem: " + bits + "-bit key (expected: >= " + MIN_RSA_KEY_BITS + " bits)");
    }
    return new JwtKey(RSA_ALGORITHMS, singleKey(RSA_ALGORITHMS, key), "rsa " + bits + "-bit");
  }

  /**
   * Returns a key that verifies tokens with the public RSA and EC keys of a JWK Set file (RFC 7517
   * §5), read once, now. Changes to the file later are not seen.
   *
   * <p>It accepts {@code RS*}, {@code PS*}, {@code ES256}, {@code ES384} and {@code ES512}. A
   * token's {@code kid}, when present, picks the key; otherwise every key of the right type is
   * tried. Private and symmetric ({@code oct}) members of the set are ignored: a JWK Set is a
   * public document, so a secret in it would let anyone sign tokens.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a JWK Set or holds no public RSA or EC key
   */
  public static JwtKey jwks(Path file) {
    Objects.requireNonNull(file, "file");
    JWKSet set;
    try {
      set = JWKSet.load(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("jwks: cannot read " + file, e);
    } catch (ParseException e) {
      throw new IllegalArgumentException("jwks: " + file + " is not a JWK Set", e);
    }
    List<JWK> keys =
        set.toPublicJWKSet().getKeys().stream()
            .filter(k -> k.getKeyType() == KeyType.RSA || k.getKeyType() == KeyType.EC)
            .collect(Collectors.toList());
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "jwks: " + file + " (expected: at least one public RSA or EC key)");
    }
    JWKSource<SecurityContext> source = new ImmutableJWKSet<>(new JWKSet(keys));
    return new JwtKey(
        JWKS_ALGORITHMS,
        new JWSVerificationKeySelector<>(Set.copyOf(JWKS_ALGORITHMS), source),
        "jwks " + file);
  }

  /**
   * Returns a key that verifies tokens with the public RSA and EC keys of a JWK Set fetched from an
   * {@code http} or {@code https} URL, accepting the same algorithms as {@link #jwks(Path)}.
   *
   * <p>Nothing is fetched until the first token is verified. Each fetch times out after 2 seconds
   * (connect and read) and may be at most 64 KiB. The set is cached for 5 minutes; a token whose
   * {@code kid} is not in the cached set triggers a refresh, so rotated keys are picked up at once,
   * but refreshes are limited to two per 30 seconds so that tokens with made-up key ids cannot
   * flood the key server. A verification that waits for a refresh in progress gives up after 5
   * seconds.
   *
   * @throws IllegalArgumentException if the URL is not an absolute {@code http} or {@code https}
   *     URL
   */
  public static JwtKey jwks(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException("jwks: " + url + " (expected: an http or https URL)");
    }
    URL location;
    try {
      location = url.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("jwks: " + url + " (expected: an http or https URL)", e);
    }
    int timeoutMillis = (int) JWKS_HTTP_TIMEOUT.toMillis();
    JWKSource<SecurityContext> source =
        JWKSourceBuilder.<SecurityContext>create(
                location,
                new DefaultResourceRetriever(timeoutMillis, timeoutMillis, JWKS_MAX_BYTES))
            .cache(JWKS_CACHE_TTL.toMillis(), JWKS_REFRESH_WAIT.toMillis())
            // No refresh-ahead: it would need background threads that nothing could shut down.
            .refreshAheadCache(false)
            .rateLimited(JWKS_MIN_REFRESH_INTERVAL.toMillis())
            .retrying(false)
            .outageTolerant(false)
            .build();
    return new JwtKey(
        JWKS_ALGORITHMS,
        new JWSVerificationKeySelector<>(Set.copyOf(JWKS_ALGORITHMS), source),
        "jwks " + url);
  }

  /**
   * Returns the names of the JWS algorithms this key accepts ({@code HS256}, {@code RS256}, …), in
   * a stable order.
   */
  public Set<String> algorithms() {
    Set<String> names = new LinkedHashSet<>();
    material.algorithms().stream().map(JWSAlgorithm::getName).sorted().forEach(names::add);
    return Collections.unmodifiableSet(names);
  }

  /** Returns a description of the key's kind and origin, never its secret. */
  @Override
  public String toString() {
    return "JwtKey[" + description + "]";
  }

  /**
   * Selects the one configured key for any accepted algorithm, whatever the token's {@code kid}:
   * with a single key there is nothing to choose, and the reference hub ignores {@code kid} too.
   */
  private static JWSKeySelector<SecurityContext> singleKey(List<JWSAlgorithm> algorithms, Key key) {
    Set<JWSAlgorithm> accepted = Set.copyOf(algorithms);
    List<Key> keys = List.of(key);
    return (header, context) -> accepted.contains(header.getAlgorithm()) ? keys : List.of();
  }

  private static RSAPublicKey fromCertificate(String pem) {
    try {
      JWK jwk = JWK.parseFromPEMEncodedX509Cert(pem);
      if (!(jwk instanceof RSAKey)) {
        throw new IllegalArgumentException("rsaPublicKeyPem: the certificate's key is not RSA");
      }
      return ((RSAKey) jwk).toRSAPublicKey();
    } catch (JOSEException e) {
      throw new IllegalArgumentException("rsaPublicKeyPem: not a valid PEM certificate", e);
    }
  }

  private static RSAPublicKey fromPublicKeyPem(String pem) {
    if (pem.contains("-----BEGIN RSA PUBLIC KEY-----")) {
      throw new IllegalArgumentException(
          "rsaPublicKeyPem: PKCS#1 RSA PUBLIC KEY (expected: a PUBLIC KEY block; convert with"
              + " openssl rsa -RSAPublicKey_in -in key.pem -pubout)");
    }
    String begin = "-----BEGIN PUBLIC KEY-----";
    String end = "-----END PUBLIC KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          "rsaPublicKeyPem: no PEM block (expected: -----BEGIN PUBLIC KEY----- or"
              + " -----BEGIN CERTIFICATE-----)");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException("rsaPublicKeyPem: not a valid RSA public key", e);
    }
  }
}
