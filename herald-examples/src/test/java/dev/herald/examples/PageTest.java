package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.ServerExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PageTest {
  @RegisterExtension
  final ServerExtension server =
      new ServerExtension(b -> ExamplesMain.configure(b, TestConfigs.fast().build()));

  @Test
  void theRootServesTheHtmlPageThatOpensEventSources() throws Exception {
    HttpResponse<String> response = TestConfigs.get(server.uri("/"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(response.body())
        .startsWith("<!DOCTYPE html>")
        .contains("new EventSource('/sse')")
        .contains("new EventSource('/notifications/feed')")
        .contains("'/progress'");
  }
}
