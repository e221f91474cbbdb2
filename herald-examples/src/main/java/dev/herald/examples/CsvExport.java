package dev.herald.examples;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A CSV export generated row by row as it is read: one header line and {@code rows} data lines.
 * Memory stays at one row whatever the size, which is the lesson's "avoid buffering large exports
 * in memory". Not thread-safe; the engine reads it from one thread at a time.
 */
final class CsvExport extends InputStream {
  private final String jobId;
  private final long rows;
  private long next = -1; // -1: the header
  private byte[] line = new byte[0];
  private int position;

  CsvExport(String jobId, long rows) {
    this.jobId = jobId;
    this.rows = rows;
  }

  @Override
  public int read() {
    if (!fill()) {
      return -1;
    }
    return line[position++] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    int copied = 0;
    while (copied < length && fill()) {
      int n = Math.min(length - copied, line.length - position);
      System.arraycopy(line, position, buffer, offset + copied, n);
      position += n;
      copied += n;
    }
    return copied == 0 && length > 0 ? -1 : copied;
  }

  /** Makes the current line have unread bytes; returns false at the end of the export. */
  private boolean fill() {
    while (position == line.length) {
      if (next >= rows) {
        return false;
      }
      String text =
          next < 0 ? "row,job,value\n" : next + "," + jobId + "," + ((next * 7919) % 10_007) + "\n";
      line = text.getBytes(StandardCharsets.UTF_8);
      position = 0;
      next++;
    }
    return true;
  }
}
