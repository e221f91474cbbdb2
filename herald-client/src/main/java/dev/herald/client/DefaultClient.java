package dev.herald.client;

import java.net.http.HttpClient;

/** The HTTP client shared by the event sources built without one. */
final class DefaultClient {
  private DefaultClient() {}

  private static final class Holder {
    static final HttpClient CLIENT =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  static HttpClient get() {
    return Holder.CLIENT;
  }
}
