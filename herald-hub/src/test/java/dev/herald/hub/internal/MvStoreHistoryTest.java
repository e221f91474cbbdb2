package dev.herald.hub.internal;

import static dev.herald.hub.TestUpdates.numbered;
import static dev.herald.hub.TestUpdates.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.herald.hub.History;
import dev.herald.hub.HistoryContractTest;
import dev.herald.hub.Update;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MvStoreHistoryTest extends HistoryContractTest {
  @TempDir Path tempDir;
  private int created;

  @Override
  protected History create(int maxSize, Duration maxAge, Clock clock) {
    return History.onDisk(tempDir.resolve("history-" + ++created), maxSize, maxAge, clock);
  }

  @Override
  protected int concurrentAppends() {
    return 2_000;
  }

  private History openAt(Path directory, int maxSize, Duration maxAge) {
    return History.onDisk(directory, maxSize, maxAge, clock);
  }

  @Test
  void reopensWithEveryEntryAndContinuesTheNumbering() {
    Path dir = tempDir.resolve("h");
    List<History.Entry> written;
    try (History history = openAt(dir, 100, Duration.ZERO)) {
      for (long n = 1; n <= 40; n++) {
        history.append(numbered(n));
        clock.advance(Duration.ofMillis(250));
      }
      written = history.readAfter(0, 100);
    }

    try (History history = openAt(dir, 100, Duration.ZERO)) {
      assertThat(history.lastSequence()).isEqualTo(40);
      assertThat(history.lastId()).isEqualTo("id-40");
      assertThat(history.firstSequence()).isEqualTo(1);
      assertThat(history.size()).isEqualTo(40);
      assertThat(history.readAfter(0, 100)).isEqualTo(written);
      assertThat(history.sequenceOf("id-17")).isEqualTo(17);

      assertThat(history.append(numbered(41))).isEqualTo(41);
    }
  }

  @Test
  void roundTripsEveryFieldThroughTheFile() {
    Path dir = tempDir.resolve("h");
    List<Update> updates =
        List.of(
            Update.builder(List.of("a", "b", "c")).id("only-topics").build(),
            Update.builder("https://example.com/big")
                .data("😀 line one\nline two\r\n".repeat(50_000))
                .id("big")
                .type("big.one")
                .retry(Duration.ofSeconds(3, 123_456_789))
                .privateUpdate(true)
                .build(),
            Update.builder("t").data("").id("empty-data").retry(Duration.ZERO).build());
    try (History history = openAt(dir, 10, Duration.ZERO)) {
      updates.forEach(history::append);
    }

    try (History history = openAt(dir, 10, Duration.ZERO)) {
      assertThat(history.readAfter(0, 10)).extracting(History.Entry::update).isEqualTo(updates);
    }
  }

  @Test
  void continuesTheNumberingAfterReopenWhenNothingIsHeld() {
    Path dir = tempDir.resolve("h");
    try (History history = openAt(dir, 0, Duration.ZERO)) {
      history.append(withId("a"));
      history.append(withId("b"));
    }

    try (History history = openAt(dir, 0, Duration.ZERO)) {
      assertThat(history.lastSequence()).isEqualTo(2);
      assertThat(history.lastId()).isEqualTo("b");
      assertThat(history.append(withId("c"))).isEqualTo(3);
    }
  }

  @Test
  void appliesSmallerBoundsOnReopen() {
    Path dir = tempDir.resolve("h");
    try (History history = openAt(dir, 10, Duration.ZERO)) {
      appendNumbered(history, 1, 10);
    }

    try (History history = openAt(dir, 4, Duration.ZERO)) {
      assertThat(history.size()).isEqualTo(4);
      assertThat(history.firstSequence()).isEqualTo(7);
      assertThat(history.sequenceOf("id-6")).isEqualTo(-1);
      assertThat(history.sequenceOf("id-7")).isEqualTo(7);
    }
    try (History history = openAt(dir, 10, Duration.ZERO)) {
      assertThat(history.size()).as("trimmed entries are gone from the file").isEqualTo(4);
    }
  }

  @Test
  void appliesTheAgeBoundOnReopen() {
    Path dir = tempDir.resolve("h");
    try (History history = openAt(dir, 10, Duration.ofSeconds(10))) {
      history.append(numbered(1));
      clock.advance(Duration.ofSeconds(6));
      history.append(numbered(2));
    }
    clock.advance(Duration.ofSeconds(5));

    try (History history = openAt(dir, 10, Duration.ofSeconds(10))) {
      assertThat(sequences(history.readAfter(0, 10))).containsExactly(2L);
      assertThat(history.sequenceOf("id-1")).isEqualTo(-1);
    }
  }

  @Test
  void keepsTheNewestSequenceOfARepeatedIdAcrossReopen() {
    Path dir = tempDir.resolve("h");
    try (History history = openAt(dir, 10, Duration.ZERO)) {
      history.append(withId("a"));
      history.append(withId("b"));
      history.append(withId("a"));
    }

    try (History history = openAt(dir, 10, Duration.ZERO)) {
      assertThat(history.sequenceOf("a")).isEqualTo(3);
      assertThat(history.sequenceOf("b")).isEqualTo(2);
    }
  }

  @Test
  void createsAMissingDirectory() {
    Path dir = tempDir.resolve("a/b/c");

    try (History history = openAt(dir, 10, Duration.ZERO)) {
      history.append(withId("a"));
    }

    assertThat(dir.resolve(MvStoreHistory.FILE_NAME)).isRegularFile();
  }

  @Test
  void refusesADirectoryAlreadyOpenInThisProcess() {
    Path dir = tempDir.resolve("h");
    try (History first = openAt(dir, 10, Duration.ZERO)) {
      first.append(withId("a"));

      assertThatThrownBy(() -> openAt(dir, 10, Duration.ZERO))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("history directory in use: " + dir);
      assertThat(first.sequenceOf("a")).isEqualTo(1);
    }
    try (History again = openAt(dir, 10, Duration.ZERO)) {
      assertThat(again.sequenceOf("a")).isEqualTo(1);
    }
  }

  @Test
  @Timeout(60)
  void refusesADirectoryOpenInAnotherProcess() throws Exception {
    Path dir = tempDir.resolve("h");
    Process child = startChild("hold", dir.toString());
    try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
      assertThat(out.readLine()).as(stderrOf(dir)).isEqualTo("open");

      assertThatThrownBy(() -> openAt(dir, 10, Duration.ZERO))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("history directory in use: " + dir);

      child.getOutputStream().close();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(stderrOf(dir)).isZero();
    } finally {
      child.destroyForcibly();
    }
    try (History history = openAt(dir, 10, Duration.ZERO)) {
      assertThat(history.lastSequence()).isZero();
    }
  }

  @Test
  void refusesAFileThatIsNotAHistory() throws IOException {
    Path dir = Files.createDirectories(tempDir.resolve("h"));
    Path file = dir.resolve(MvStoreHistory.FILE_NAME);
    Files.writeString(file, "not a history\n".repeat(1_000));

    assertThatThrownBy(() -> openAt(dir, 10, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("history file unreadable: " + file);
    assertThat(Files.readString(file)).as("left untouched").startsWith("not a history\n");
  }

  @Test
  void refusesAnEntryInAnUnknownFormat() {
    Path dir = tempDir.resolve("h");
    try (History history = openAt(dir, 10, Duration.ZERO)) {
      history.append(withId("a"));
    }
    MVStore store =
        new MVStore.Builder().fileName(dir.resolve(MvStoreHistory.FILE_NAME).toString()).open();
    try {
      MVMap<Long, byte[]> entries =
          store.openMap(
              "entries",
              new MVMap.Builder<Long, byte[]>()
                  .keyType(LongDataType.INSTANCE)
                  .valueType(ByteArrayDataType.INSTANCE));
      entries.put(1L, new byte[] {9, 0, 0});
    } finally {
      store.close();
    }

    assertThatThrownBy(() -> openAt(dir, 10, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("history entry 1: format version 9 (expected: 1)");
    assertThatThrownBy(() -> openAt(dir, 10, Duration.ZERO))
        .as("the failed open released the file")
        .hasMessageStartingWith("history entry 1:");
  }

  @Test
  void refusesADirectoryPathThatIsAFile() throws IOException {
    Path file = Files.writeString(tempDir.resolve("plain"), "x");

    assertThatThrownBy(() -> openAt(file, 10, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("history directory cannot be created: " + file);
  }

  @Test
  void refusesADirectoryItMayNotWrite() throws IOException {
    Path dir = Files.createDirectories(tempDir.resolve("h"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(Files.isWritable(dir), "permissions do not bind this user (root)");

      assertThatThrownBy(() -> openAt(dir, 10, Duration.ZERO))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("history directory not writable: " + dir);
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /**
   * Kills a JVM that is appending as fast as it can (SIGKILL, no shutdown hooks, no close), then
   * checks that every update it acknowledged is in the file, in order, with the same content.
   */
  @ParameterizedTest(name = "killed after {0} acknowledgements")
  @ValueSource(ints = {200, 777})
  @Timeout(120)
  void losesNoAcknowledgedUpdateWhenTheProcessIsKilled(int acknowledgementsBeforeKill)
      throws Exception {
    Path dir = tempDir.resolve("h");
    Process child = startChild("append", dir.toString(), "100000000");
    List<Long> acknowledged = new ArrayList<>();
    try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
      while (acknowledged.size() < acknowledgementsBeforeKill) {
        String line = out.readLine();
        if (line == null) {
          fail("child ended early; " + stderrOf(dir));
        }
        acknowledged.add(Long.parseLong(line));
      }
      // SIGKILL through the process handle: Process.destroyForcibly() sends the same signal but
      // also closes our end of the pipe, losing the acknowledgements printed just before death.
      assertThat(child.toHandle().destroyForcibly()).isTrue();
      // What the child printed before it died was acknowledged too; a line cut short was not.
      for (String line : completeLines(out)) {
        acknowledged.add(Long.parseLong(line));
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed, not finished").isEqualTo(137);

    int count = acknowledged.size();
    assertThat(acknowledged).isEqualTo(LongStream.rangeClosed(1, count).boxed().toList());
    try (History history = openAt(dir, Integer.MAX_VALUE, Duration.ZERO)) {
      assertThat(history.lastSequence()).isGreaterThanOrEqualTo(count);
      List<History.Entry> entries = history.readAfter(0, count);
      assertThat(sequences(entries)).isEqualTo(acknowledged);
      for (History.Entry entry : entries) {
        assertThat(entry.update()).isEqualTo(numbered(entry.sequence()));
      }
      assertThat(history.sequenceOf("id-" + count)).isEqualTo(count);
      long next = history.lastSequence() + 1;
      assertThat(history.append(withId("after-restart"))).isEqualTo(next);
    }
  }

  private Process startChild(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(HistoryChild.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectError(tempDir.resolve("child-stderr.txt").toFile())
        .start();
  }

  private String stderrOf(Path dir) {
    try {
      return "child stderr for "
          + dir
          + ":\n"
          + Files.readString(tempDir.resolve("child-stderr.txt"));
    } catch (IOException e) {
      return "child stderr unreadable: " + e;
    }
  }

  /** Reads to the end, keeping only the lines ended by a line feed. */
  private static List<String> completeLines(Reader in) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        lines.add(line.toString());
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    return lines;
  }
}
