package dev.herald.hub.internal;

import dev.herald.hub.History;
import dev.herald.hub.TestUpdates;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate JVM driven by {@link MvStoreHistoryTest}. Modes:
 *
 * <ul>
 *   <li>{@code append DIR COUNT}: appends {@link TestUpdates#numbered} 1..COUNT to the durable
 *       history in DIR and prints each sequence {@code append} returned, one per line, as soon as
 *       it returns (the acknowledgement); prints {@code done} at the end.
 *   <li>{@code hold DIR}: opens the history in DIR, prints {@code open}, and keeps it open until
 *       its standard input ends.
 * </ul>
 */
public final class HistoryChild {
  private HistoryChild() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Path directory = Path.of(args[1]);
    try (History history = History.onDisk(directory, Integer.MAX_VALUE, Duration.ZERO)) {
      switch (args[0]) {
        case "append" -> {
          long count = Long.parseLong(args[2]);
          for (long n = 1; n <= count; n++) {
            long sequence = history.append(TestUpdates.numbered(n));
            out.println(sequence);
            out.flush();
          }
          out.println("done");
        }
        case "hold" -> {
          out.println("open");
          out.flush();
          System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        default -> throw new IllegalArgumentException("mode: " + args[0]);
      }
    }
    out.flush();
  }
}
