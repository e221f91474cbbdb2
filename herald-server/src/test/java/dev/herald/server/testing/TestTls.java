package dev.herald.server.testing;

import dev.herald.server.Tls;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** One self-signed certificate for the tests of a JVM, and clients that trust it. */
public final class TestTls {
  /** A self-signed certificate for {@code localhost} and {@code 127.0.0.1}. */
  public static final Tls TLS = Tls.selfSigned();

  private TestTls() {}

  /** Returns a client context that trusts {@link #TLS} and nothing else. */
  public static SSLContext clientContext() {
    return trusting(TLS);
  }

  /** Returns a client context that trusts the given server certificate and nothing else. */
  public static SSLContext trusting(Tls tls) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate certificate : tls.certificateChain()) {
        store.setCertificateEntry("server-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot trust the test certificate", e);
    }
  }
}
