package dev.herald.server;

import dev.herald.server.internal.SelfSignedCertificates;
import dev.herald.server.internal.TlsContexts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A server certificate chain and its private key, for {@link HeraldServer.Builder#tls(Tls)}: the
 * server then speaks HTTPS, and HTTP/2 to clients that offer it (ALPN {@code h2}, then {@code
 * http/1.1}).
 *
 * <pre>{@code
 * HeraldServer.builder().tls(Tls.fromPem(Path.of("cert.pem"), Path.of("key.pem")))...
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Tls {
  private final byte[] certificatePem;
  private final byte[] privateKeyPem;
  private final List<X509Certificate> chain;

  private Tls(byte[] certificatePem, byte[] privateKeyPem) {
    this.certificatePem = certificatePem;
    this.privateKeyPem = privateKeyPem;
    this.chain = parseChain(certificatePem);
    TlsContexts.check(certificatePem, privateKeyPem);
  }

  /**
   * Returns the certificate chain and key read from PEM files: the server's certificate first, then
   * any intermediates ({@code -----BEGIN CERTIFICATE-----} blocks), and an unencrypted PKCS#8 key
   * ({@code -----BEGIN PRIVATE KEY-----}).
   *
   * @throws UncheckedIOException if a file cannot be read
   * @throws IllegalArgumentException if a file holds no certificate or no usable key
   */
  public static Tls fromPem(Path certificateChain, Path privateKey) {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    return new Tls(read(certificateChain), read(privateKey));
  }

  /**
   * Returns a new self-signed certificate (EC P-256, valid for a year) for {@code localhost},
   * {@code 127.0.0.1} and {@code ::1}: for development and tests only, as browsers warn about it.
   * Needs {@code org.bouncycastle:bcpkix-jdk18on} on the class path.
   *
   * @throws IllegalStateException if Bouncy Castle is missing or the certificate cannot be made
   */
  public static Tls selfSigned() {
    SelfSignedCertificates.Pem pem = SelfSignedCertificates.generate();
    return new Tls(pem.certificate(), pem.privateKey());
  }

  /** Returns the certificate chain, the server's own certificate first; for clients to trust. */
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  /** Returns the chain as PEM, as given or generated. */
  byte[] certificatePem() {
    return certificatePem.clone();
  }

  /** Returns the private key as PEM. */
  byte[] privateKeyPem() {
    return privateKeyPem.clone();
  }

  @Override
  public String toString() {
    return "Tls{" + chain.get(0).getSubjectX500Principal().getName() + "}";
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> parseChain(byte[] pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (java.security.cert.Certificate c :
          factory.generateCertificates(new ByteArrayInputStream(pem))) {
        certificates.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("certificate chain: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("certificate chain: no certificate (expected: PEM)");
    }
    return List.copyOf(certificates);
  }
}
