package dev.herald.app;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts real {@code herald} processes for a test ({@link HeraldProcess}) and closes them, with
 * anything else the test hands it, after the test, last opened first.
 *
 * <pre>{@code
 * @RegisterExtension final Heralds heralds = new Heralds();
 * }</pre>
 */
final class Heralds implements AfterEachCallback {
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  /** Starts {@code herald args…} with no {@code HERALD_*} variable but those in {@code env}. */
  HeraldProcess start(Map<String, String> env, String... args) throws Exception {
    return closeAfter(HeraldProcess.start(env, args));
  }

  /** Starts {@code herald args…}. */
  HeraldProcess start(String... args) throws Exception {
    return start(Map.of(), args);
  }

  /** Closes the resource after the test, before what was opened earlier; returns it. */
  <T extends AutoCloseable> T closeAfter(T resource) {
    toClose.add(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    toClose.clear();
  }
}
