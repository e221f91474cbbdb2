package dev.herald.server.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes self-signed certificates for development with Bouncy Castle's certificate builder (an
 * optional dependency: only this class touches it). The keys and signatures come from the JDK's own
 * providers; Bouncy Castle only writes the certificate's ASN.1.
 */
public final class SelfSignedCertificates {
  /** How long a generated certificate is valid: a year. */
  static final Duration VALIDITY = Duration.ofDays(365);

  /** A certificate and its private key, each PEM-encoded. */
  public record Pem(byte[] certificate, byte[] privateKey) {}

  private SelfSignedCertificates() {}

  /**
   * Returns a new certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1} with an EC
   * P-256 key.
   *
   * @throws IllegalStateException if Bouncy Castle is not on the class path, or generation fails
   */
  public static Pem generate() {
    try {
      Class.forName("org.bouncycastle.cert.X509v3CertificateBuilder");
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "a self-signed certificate needs org.bouncycastle:bcpkix-jdk18on on the class path", e);
    }
    try {
      return create();
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate: " + e, e);
    }
  }

  private static Pem create()
      throws GeneralSecurityException, OperatorCreationException, java.io.IOException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=localhost, O=Herald development");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(VALIDITY)),
            name,
            keys.getPublic());
    builder
        .addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                  new GeneralName(GeneralName.iPAddress, "::1")
                }))
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    certificate.verify(keys.getPublic());
    return new Pem(
        pem("CERTIFICATE", certificate.getEncoded()),
        pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
