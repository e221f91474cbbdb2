package dev.herald.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs {@link HeraldCommand#run(String...)} in this JVM with {@code System.out} and {@code
 * System.err} captured. For commands that return (token, help), never for {@code serve}. Swaps the
 * process-wide streams, so calls are serialised; tests in this module do not run in parallel.
 */
final class InProcess {
  /** What one run returned and printed. */
  record Result(int exitCode, String out, String err) {}

  private InProcess() {}

  static Result run(String... args) {
    return run(System.getenv(), args);
  }

  /** Runs with these environment variables instead of the process's. */
  static synchronized Result run(Map<String, String> env, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      code = HeraldCommand.run(env, args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Result(
        code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
  }

  /** Mints a token with {@code herald token args…}, which must succeed, and returns it. */
  static String token(String... args) {
    return token(System.getenv(), args);
  }

  /** Mints a token with {@code herald token args…} and these environment variables. */
  static String token(Map<String, String> env, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "token";
    System.arraycopy(args, 0, all, 1, args.length);
    Result result = run(env, all);
    if (result.exitCode() != 0) {
      throw new AssertionError("herald token failed: " + result);
    }
    return result.out().strip();
  }
}
