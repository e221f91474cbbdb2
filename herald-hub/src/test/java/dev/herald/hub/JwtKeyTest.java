package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.hub.internal.JwtVerifier;
import dev.herald.server.HttpStatusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtKeyTest {
  private static final KeyPair RSA = generate("RSA", 2048);

  @TempDir Path dir;

  @Test
  void refusesAnHmacSecretShorterThan32Bytes() {
    String secret = "s".repeat(31);

    assertThatThrownBy(() -> JwtKey.hmac(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hmac secret: 31 bytes (expected: >= 32 bytes, as HS256 needs a 256-bit key)")
        .message()
        .doesNotContain(secret);
  }

  @Test
  void countsTheSecretInUtf8Bytes() {
    assertThat(JwtKey.hmac("é".repeat(16)).algorithms()).containsExactly("HS256");
  }

  @Test
  void acceptsTheHmacAlgorithmsTheSecretIsLongEnoughFor() {
    assertThat(JwtKey.hmac("s".repeat(32)).algorithms()).containsExactly("HS256");
    assertThat(JwtKey.hmac("s".repeat(48)).algorithms()).containsExactly("HS256", "HS384");
    assertThat(JwtKey.hmac("s".repeat(64)).algorithms()).containsExactly("HS256", "HS384", "HS512");
  }

  @Test
  void neverShowsTheSecret() {
    String secret = "top-secret-top-secret-top-secret-top-secret";

    assertThat(JwtKey.hmac(secret).toString()).isEqualTo("JwtKey[hmac]");
  }

  @Test
  void acceptsRsaAndRsaPssAlgorithmsForAnRsaPublicKey() {
    JwtKey key = JwtKey.rsaPublicKeyPem(pem(RSA.getPublic()));

    assertThat(key.algorithms())
        .containsExactly("PS256", "PS384", "PS512", "RS256", "RS384", "RS512");
    assertThat(key).hasToString("JwtKey[rsa 2048-bit]");
  }

  @Test
  void readsAPublicKeyPemWithSurroundingTextAndCrlf() {
    String pem = "key for the hub:\r\n" + pem(RSA.getPublic()).replace("\n", "\r\n") + "\r\n";

    assertThat(verify(JwtKey.rsaPublicKeyPem(pem), sign(RSA.getPrivate()))).isTrue();
  }

  @Test
  void readsTheKeyOfACertificatePem() throws Exception {
    Path keystore = dir.resolve("keystore.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-alias",
                "hub",
                "-dname",
                "CN=herald-test",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    String certificatePem =
        X509CertUtils.toPEMString((X509Certificate) store.getCertificate("hub"));
    PrivateKey privateKey = (PrivateKey) store.getKey("hub", "changeit".toCharArray());

    JwtKey key = JwtKey.rsaPublicKeyPem(certificatePem);

    assertThat(verify(key, sign(privateKey))).isTrue();
    assertThat(verify(key, sign(RSA.getPrivate()))).isFalse();
  }

  @Test
  void refusesAPkcs1RsaPublicKeyWithAHint() {
    String pkcs1 = "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----\n";

    assertThatThrownBy(() -> JwtKey.rsaPublicKeyPem(pkcs1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS#1")
        .hasMessageContaining("openssl rsa -RSAPublicKey_in");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not a key",
        "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
        "-----END PUBLIC KEY-----\n-----BEGIN PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\n!!!not base64!!!\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
      })
  void refusesTextThatIsNotAnRsaPublicKey(String pem) {
    assertThatThrownBy(() -> JwtKey.rsaPublicKeyPem(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("rsaPublicKeyPem: ");
  }

  @Test
  void refusesAnEcPublicKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));

    assertThatThrownBy(() -> JwtKey.rsaPublicKeyPem(pem(generator.generateKeyPair().getPublic())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rsaPublicKeyPem: not a valid RSA public key");
  }

  @Test
  void refusesAnRsaKeyShorterThan2048Bits() {
    String weak = pem(generate("RSA", 1024).getPublic());

    assertThatThrownBy(() -> JwtKey.rsaPublicKeyPem(weak))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rsaPublicKeyPem: 1024-bit key (expected: >= 2048 bits)");
  }

  @Test
  void refusesAMissingJwksFile() {
    assertThatThrownBy(() -> JwtKey.jwks(dir.resolve("missing.json")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("jwks: cannot read ");
  }

  @Test
  void refusesAJwksFileThatIsNotAKeySet() throws IOException {
    Path file = Files.writeString(dir.resolve("jwks.json"), "{\"keys\": 42}");

    assertThatThrownBy(() -> JwtKey.jwks(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("is not a JWK Set");
  }

  @Test
  void refusesAJwksFileWithoutPublicRsaOrEcKey() throws IOException {
    String octOnly = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + "A".repeat(43) + "\"}]}";
    Path empty = Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}");
    Path oct = Files.writeString(dir.resolve("oct.json"), octOnly);

    assertThatThrownBy(() -> JwtKey.jwks(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("(expected: at least one public RSA or EC key)");
    assertThatThrownBy(() -> JwtKey.jwks(oct))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("(expected: at least one public RSA or EC key)");
  }

  @Test
  void acceptsAsymmetricAlgorithmsForAKeySet() {
    JwtKey key = JwtKey.jwks(URI.create("https://idp.example/.well-known/jwks.json"));

    assertThat(key.algorithms())
        .containsExactly(
            "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512");
    assertThat(key).hasToString("JwtKey[jwks https://idp.example/.well-known/jwks.json]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://idp.example/jwks.json", "/jwks.json", "file:///etc/jwks.json"})
  void refusesAKeySetUrlThatIsNotHttp(String url) {
    assertThatThrownBy(() -> JwtKey.jwks(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jwks: " + url + " (expected: an http or https URL)");
  }

  private static boolean verify(JwtKey key, String token) {
    try {
      return new JwtVerifier(key).verify(token).publish() != null;
    } catch (HttpStatusException e) {
      assertThat(e.getMessage()).isEqualTo("invalid token: bad signature");
      return false;
    }
  }

  private static String sign(PrivateKey key) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", List.of("*"))).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
    return jwt.serialize();
  }

  private static String pem(PublicKey key) {
    Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    return "-----BEGIN PUBLIC KEY-----\n"
        + encoder.encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
