package dev.herald.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP/2: the connection-level handlers (frame codec and multiplexer) and the pipeline of each
 * stream. Every stream is a child channel of its connection ({@link Http2StreamChannel}) with the
 * same request handlers as an HTTP/1.1 connection behind a codec that turns stream frames into HTTP
 * objects and back, so routing, guards, limits, SSE and downloads run per stream unchanged.
 *
 * <pre>
 * connection: … → Http2FrameCodec → Http2MultiplexHandler → protocol
 * each stream: outbound bytes → heartbeat timer → frames ↔ HTTP objects → request handlers
 * </pre>
 *
 * <p>The frame codec drops the hop-by-hop headers HTTP/1.1 responses carry ({@code Connection},
 * {@code Keep-Alive}, {@code Transfer-Encoding}). A stream's child channel turns unwritable when
 * the bytes it has written but the connection has not sent pass its high water mark — which happens
 * when the stream's flow-control window is used up, or the connection's socket is full — so SSE
 * demand follows each stream's window; {@link StreamOutbound} counts those bytes for the per-stream
 * bound.
 */
final class Http2Support {
  /** Streams a client may open at once on one connection: {@value}. */
  static final int MAX_CONCURRENT_STREAMS = 256;

  private final PipelineInitializer initializer;
  private final ServerConfig config;
  private final ChannelGroup streams;

  Http2Support(PipelineInitializer initializer, ServerConfig config, ChannelGroup streams) {
    this.initializer = initializer;
    this.config = config;
    this.streams = streams;
  }

  /** Adds the frame codec and the multiplexer after the named handler. */
  void addTo(ChannelPipeline pipeline, String after) {
    pipeline.addAfter(after, "h2", frameCodec());
    pipeline.addAfter("h2", "h2-streams", new Http2MultiplexHandler(new StreamInitializer()));
  }

  /** Returns the factory that accepts {@code Upgrade: h2c} on a cleartext HTTP/1.1 connection. */
  HttpServerUpgradeHandler.UpgradeCodecFactory upgradeCodecFactory() {
    return protocol ->
        AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
            ? new Http2ServerUpgradeCodec(
                frameCodec(), new Http2MultiplexHandler(new StreamInitializer()))
            : null;
  }

  /**
   * Returns the handler that a cleartext connection opening with the HTTP/2 preface (prior
   * knowledge) gets in place of HTTP/1.1; it replaces itself with the HTTP/2 handlers.
   */
  ChannelHandler priorKnowledgeInstaller() {
    return new ChannelHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        addTo(ctx.pipeline(), ctx.name());
        ctx.pipeline().remove(this);
      }
    };
  }

  /** Returns the number of open streams if the pipeline speaks HTTP/2, otherwise -1. */
  static int activeStreams(ChannelPipeline pipeline) {
    Http2FrameCodec codec = pipeline.get(Http2FrameCodec.class);
    return codec == null ? -1 : codec.connection().numActiveStreams();
  }

  /**
   * Closes an HTTP/2 connection gracefully: {@code GOAWAY} at once, so the client opens no more
   * streams here, and the connection closes when its last stream has ended or the time is up.
   * Returns false if the channel does not speak HTTP/2. Runs on the event loop.
   */
  static boolean goAway(Channel channel, Duration timeout) {
    Http2FrameCodec codec = channel.pipeline().get(Http2FrameCodec.class);
    if (codec == null) {
      return false;
    }
    codec.gracefulShutdownTimeoutMillis(Math.max(1, timeout.toMillis()));
    channel.close();
    return true;
  }

  private Http2FrameCodec frameCodec() {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(
            Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(config.maxHeaderSize()))
        .validateHeaders(true)
        .build();
  }

  /** Sets up the pipeline of each stream's child channel. */
  private final class StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
    @Override
    protected void initChannel(Http2StreamChannel ch) {
      streams.add(ch);
      int max = config.maxBufferedBytes();
      ch.config()
          .setWriteBufferWaterMark(
              new WriteBufferWaterMark(Math.min(32 * 1024, max / 4), Math.min(64 * 1024, max / 2)));
      ChannelPipeline pipeline = ch.pipeline();
      pipeline.addLast("outbound", new StreamOutbound());
      // No idle handler: a stream ends with its response, SseStream sends its own heartbeats, and
      // the connection's idle timeout applies once no stream is open.
      pipeline.addLast("codec", new Http2StreamFrameToHttpObjectCodec(true));
      for (Map.Entry<String, ChannelHandler> handler : initializer.requestHandlers(ch).entrySet()) {
        pipeline.addLast(handler.getKey(), handler.getValue());
      }
    }
  }
}
