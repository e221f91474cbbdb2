package dev.herald.server.internal;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import javax.net.ssl.SSLException;

/**
 * Builds Netty server {@link SslContext}s from PEM: OpenSSL when netty-tcnative is present, the
 * JDK's provider otherwise (Java 17 has ALPN built in); TLS 1.2 and 1.3 with the cipher suites
 * HTTP/2 allows (RFC 7540, appendix A lists the ones it forbids).
 */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * Checks that the chain and key can serve TLS.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static void check(byte[] certificatePem, byte[] privateKeyPem) {
    server(certificatePem, privateKeyPem, false);
  }

  /**
   * Returns a server context offering {@code h2} then {@code http/1.1} by ALPN when {@code http2}
   * is true, plain HTTP/1.1 otherwise.
   *
   * @throws IllegalArgumentException if the chain or key cannot be used
   */
  public static SslContext server(byte[] certificatePem, byte[] privateKeyPem, boolean http2) {
    SslProvider provider =
        SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(
                  new ByteArrayInputStream(certificatePem), new ByteArrayInputStream(privateKeyPem))
              .sslProvider(provider)
              .protocols("TLSv1.3", "TLSv1.2");
      if (http2) {
        builder
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2,
                    ApplicationProtocolNames.HTTP_1_1));
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls: cannot use the certificate chain and key: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
