package dev.herald.load;

import dev.herald.server.HeraldServer;
import dev.herald.sse.MessageEvent;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SubmissionPublisher;

/**
 * A hub at {@code /hub} for tests to make faulty: each subscriber gets a stream, and each
 * publication's {@code data} goes to the test's handler, which decides what to {@link #deliver} and
 * what to answer (any return value of a server {@link dev.herald.server.Handler}).
 */
final class FormHub implements AutoCloseable {
  /** Handles one publication, on a handler thread of the server. */
  @FunctionalInterface
  interface Publication {
    Object publish(String data) throws Exception;
  }

  private final List<SubmissionPublisher<MessageEvent>> streams = new CopyOnWriteArrayList<>();
  private final HeraldServer server;

  FormHub(Publication publication) {
    server =
        HeraldServer.builder()
            .host("127.0.0.1")
            .port(0)
            .sse(
                "/hub",
                request -> {
                  SubmissionPublisher<MessageEvent> stream = new SubmissionPublisher<>();
                  streams.add(stream);
                  return stream;
                })
            .post("/hub", request -> publication.publish(data(request.bodyText())))
            .build()
            .start();
  }

  private static String data(String form) {
    for (String pair : form.split("&")) {
      if (pair.startsWith("data=")) {
        return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  /** Returns the hub's URL. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.port() + "/hub");
  }

  /** Sends an update with this data to every subscriber. */
  void deliver(String data) {
    for (SubmissionPublisher<MessageEvent> stream : streams) {
      stream.submit(MessageEvent.of(data));
    }
  }

  @Override
  public void close() {
    server.close();
    streams.forEach(SubmissionPublisher::close);
  }
}
