package dev.herald.hub.browser;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * What every browser test needs: Chromium present (skip without it on a developer's machine, fail
 * on CI, which installs it), a log file named after the test, and the tail of that log in the
 * message of a failing test. Register it before the extensions that start servers.
 */
public final class ChromiumRequirement
    implements BeforeEachCallback, TestExecutionExceptionHandler {
  public static final String NO_CHROMIUM = "no chromium on the PATH (apt-get install chromium)";

  private final Supplier<Chromium> browser;
  private Path logFile;

  /**
   * Creates the requirement; {@code browser} returns the test's browser, or null before it starts.
   */
  public ChromiumRequirement(Supplier<Chromium> browser) {
    this.browser = browser;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if ("true".equals(System.getenv("CI")) && Chromium.executable().isEmpty()) {
      fail(NO_CHROMIUM + ": CI installs it, so the browser tests must run there");
    }
    // Skipped per test rather than per class: Surefire reports a class skipped in @BeforeAll as
    // zero tests run, without the reason.
    assumeTrue(Chromium.executable().isPresent(), NO_CHROMIUM + ": skipping the browser test");
    logFile =
        Path.of(
            "target",
            "chromium",
            context.getRequiredTestClass().getSimpleName()
                + "-"
                + context.getRequiredTestMethod().getName()
                + ".log");
  }

  /** Returns the log file of the running test. */
  public Path logFile() {
    return logFile;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    Chromium chromium = browser.get();
    if (chromium == null || failure instanceof TestAbortedException) {
      throw failure;
    }
    throw new AssertionError(failure.getMessage() + "\n" + chromium.logTail(), failure);
  }
}
