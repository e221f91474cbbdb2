package dev.herald.server;

/**
 * Reads a server's counters: connections, SSE streams, bytes written and slow-consumer cuts.
 *
 * <p>Every value is read without locks from counters the server updates with one atomic increment
 * where the event happens, so reading costs the server nothing; values read together are not a
 * consistent snapshot. Totals count from the server's creation and never decrease. Thread-safe.
 */
public interface ServerStats {
  /** Returns the number of connections open now. */
  int openConnections();

  /** Returns the number of connections accepted since the server was created. */
  long connectionsAccepted();

  /** Returns the number of SSE streams open now. */
  int openStreams();

  /**
   * Returns the number of bytes handed to sockets since the server was created: response heads,
   * bodies and events, as written on the wire (after compression, before TLS).
   */
  long bytesWritten();

  /**
   * Returns the number of SSE streams cut because their client read too slowly (more than the
   * buffer bound waiting for it), since the server was created.
   */
  long slowConsumerCuts();
}
