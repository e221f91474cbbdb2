package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.server.internal.SelfSignedCertificates;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  @TempDir Path dir;

  @Test
  void readsACertificateAndKeyFromPemFiles() throws Exception {
    SelfSignedCertificates.Pem pem = SelfSignedCertificates.generate();
    Path cert = Files.write(dir.resolve("cert.pem"), pem.certificate());
    Path key = Files.write(dir.resolve("key.pem"), pem.privateKey());

    Tls tls = Tls.fromPem(cert, key);

    assertThat(tls.certificateChain()).hasSize(1);
    assertThat(tls.certificateChain().get(0).getSubjectX500Principal().getName())
        .contains("CN=localhost");
  }

  @Test
  void aSelfSignedCertificateNamesTheLoopbackAddresses() throws Exception {
    X509Certificate certificate = Tls.selfSigned().certificateChain().get(0);

    certificate.checkValidity();
    certificate.verify(certificate.getPublicKey());
    assertThat(certificate.getSubjectAlternativeNames())
        .extracting(name -> String.valueOf(name.get(1)))
        .contains("localhost", "127.0.0.1");
  }

  @Test
  void refusesFilesWithoutACertificateOrAKey() throws Exception {
    SelfSignedCertificates.Pem pem = SelfSignedCertificates.generate();
    Path cert = Files.write(dir.resolve("cert.pem"), pem.certificate());
    Path key = Files.write(dir.resolve("key.pem"), pem.privateKey());
    Path junk = Files.write(dir.resolve("junk.pem"), List.of("not PEM"), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Tls.fromPem(junk, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("certificate chain: ");
    assertThatThrownBy(() -> Tls.fromPem(cert, cert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tls: cannot use the certificate chain and key: ");
    assertThatThrownBy(() -> Tls.fromPem(cert, dir.resolve("missing.pem")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing.pem");
  }
}
