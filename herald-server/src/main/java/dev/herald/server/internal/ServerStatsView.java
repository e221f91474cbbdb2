package dev.herald.server.internal;

import dev.herald.server.ServerStats;

/** The {@link ServerStats} of a {@link NettyServer}: reads its counters, holds none. */
public final class ServerStatsView implements ServerStats {
  private final NettyServer server;

  public ServerStatsView(NettyServer server) {
    this.server = server;
  }

  @Override
  public int openConnections() {
    return server.connectionCount();
  }

  @Override
  public long connectionsAccepted() {
    return server.connectionsAccepted();
  }

  @Override
  public int openStreams() {
    return server.streamCount();
  }

  @Override
  public long bytesWritten() {
    return server.bytesWritten();
  }

  @Override
  public long slowConsumerCuts() {
    return server.slowConsumerCuts();
  }
}
