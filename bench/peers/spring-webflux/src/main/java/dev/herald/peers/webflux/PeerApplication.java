package dev.herald.peers.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * Starts the WebFlux benchmark peer: Spring Boot defaults (Reactor Netty, default codecs, default
 * logging), listening on {@code --port=P}, the {@code PORT} environment variable, or 8080.
 */
@SpringBootApplication
public class PeerApplication {

  public static void main(String[] args) {
    SpringApplication.run(PeerApplication.class, args);
  }

  /** Prints the one line the benchmark script waits for. */
  @EventListener
  public void ready(ApplicationReadyEvent event) {
    int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
    System.out.println("WebFlux peer listening on http://127.0.0.1:" + port);
    System.out.flush();
  }
}
