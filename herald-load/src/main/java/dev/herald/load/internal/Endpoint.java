package dev.herald.load.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** An HTTP endpoint: the address to connect to and the {@code Host} and path to send. */
record Endpoint(InetSocketAddress address, String hostHeader, String path, String query) {
  static Endpoint of(URI uri) {
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    String host = uri.getHost();
    return new Endpoint(
        new InetSocketAddress(host, port),
        uri.getPort() < 0 ? host : host + ":" + port,
        path,
        query);
  }

  /** Returns the request target subscribing to {@code topic}. */
  String subscribeTarget(String topic) {
    String param = "topic=" + encode(topic);
    return path + "?" + (query.isEmpty() ? param : query + "&" + param);
  }

  /** Returns the request target for publishing. */
  String publishTarget() {
    return query.isEmpty() ? path : path + "?" + query;
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
