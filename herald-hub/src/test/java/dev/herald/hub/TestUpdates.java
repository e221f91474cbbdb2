package dev.herald.hub;

import java.time.Duration;
import java.util.List;

/** Deterministic updates for history tests: the same number always gives the same update. */
public final class TestUpdates {
  private TestUpdates() {}

  /** Returns update number {@code n}, with id {@code "id-" + n} and every optional field varied. */
  public static Update numbered(long n) {
    List<String> topics =
        n % 2 == 0
            ? List.of("https://example.com/books/" + n, "urn:herald:all")
            : List.of("https://example.com/books/" + n);
    return Update.builder(topics)
        .data("{\"book\":" + n + ",\"title\":\"Ünïcödé ✓ 📚\"}" + "x".repeat((int) (n % 7) * 10))
        .id("id-" + n)
        .type(n % 3 == 0 ? "book.updated" : null)
        .retry(n % 5 == 0 ? Duration.ofMillis(1500 + n) : null)
        .privateUpdate(n % 4 == 0)
        .build();
  }

  /** Returns a minimal public update to one topic with the given id. */
  public static Update withId(String id) {
    return Update.builder("https://example.com/t").data("data of " + id).id(id).build();
  }
}
