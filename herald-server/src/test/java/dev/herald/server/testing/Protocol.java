package dev.herald.server.testing;

import java.net.URI;
import java.net.http.HttpClient;

/**
 * The ways a JDK client reaches a Herald server, for tests that run over each: HTTP/1.1 in
 * cleartext and over TLS, HTTP/2 over TLS (ALPN) and cleartext HTTP/2 by {@code Upgrade: h2c}. Each
 * has one shared client, so HTTP/2 requests of a test share a connection.
 */
public enum Protocol {
  HTTP_1_1(false, HttpClient.Version.HTTP_1_1),
  HTTPS_1_1(true, HttpClient.Version.HTTP_1_1),
  H2C(false, HttpClient.Version.HTTP_2),
  H2(true, HttpClient.Version.HTTP_2);

  private final boolean tls;
  private final HttpClient.Version version;
  private volatile HttpClient client;

  Protocol(boolean tls, HttpClient.Version version) {
    this.tls = tls;
    this.version = version;
  }

  /** Returns whether the server must be started with {@link TestTls#TLS}. */
  public boolean tls() {
    return tls;
  }

  /** Returns the version a response over this protocol has. */
  public HttpClient.Version version() {
    return version;
  }

  /** Returns whether this is HTTP/2. */
  public boolean http2() {
    return version == HttpClient.Version.HTTP_2;
  }

  /** Returns the URI of a path on a server on 127.0.0.1. */
  public URI uri(int port, String pathAndQuery) {
    return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + pathAndQuery);
  }

  /** Returns a new client for this protocol (a new connection pool). */
  public HttpClient newClient() {
    HttpClient.Builder builder = HttpClient.newBuilder().version(version);
    if (tls) {
      builder.sslContext(TestTls.clientContext());
    }
    return builder.build();
  }

  /** Returns this protocol's shared client. */
  public HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          client = c = newClient();
        }
      }
    }
    return c;
  }
}
