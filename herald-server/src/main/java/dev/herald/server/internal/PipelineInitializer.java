package dev.herald.server.internal;

import dev.herald.server.Cors;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the pipeline of each accepted connection.
 *
 * <pre>
 * plain, HTTP/2 off:  idle → HTTP/1.1 codec → protocol
 * plain, HTTP/2 on:   idle → h2c (prior-knowledge preface or Upgrade: h2c, else HTTP/1.1) → protocol
 * TLS:                idle → TLS → ALPN (h2 → HTTP/2 frames, http/1.1 → codec) → protocol
 * </pre>
 *
 * <p>The {@link ProtocolSelector} at the end adds the request handlers (compression, CORS, body
 * aggregation, {@link ConnectionHandler}) when the first HTTP/1.1 request arrives; on HTTP/2 the
 * same handlers run in the pipeline of each stream's child channel instead ({@link Http2Support}).
 */
final class PipelineInitializer extends ChannelInitializer<SocketChannel> {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineInitializer.class);

  private final NettyServer server;
  private final ServerConfig config;
  private final Executor executor;
  private final ChannelGroup connections;
  private final @Nullable CorsConfig corsConfig;
  private final Http2Support http2;

  PipelineInitializer(
      NettyServer server, Executor executor, ChannelGroup connections, ChannelGroup streams) {
    this.server = server;
    this.config = server.config();
    this.executor = executor;
    this.connections = connections;
    this.corsConfig = config.cors() == null ? null : corsConfig(config.cors());
    this.http2 = new Http2Support(this, config, streams);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    connections.add(ch);
    ChannelPipeline pipeline = ch.pipeline();
    pipeline.addLast(
        "idle",
        new IdleStateHandler(
            0,
            config.heartbeat().toMillis(),
            config.idleTimeout().toMillis(),
            TimeUnit.MILLISECONDS));
    SslContext ssl = config.sslContext();
    if (ssl != null) {
      pipeline.addLast("tls", ssl.newHandler(ch.alloc()));
      if (config.http2()) {
        pipeline.addLast("alpn", new Alpn());
      } else {
        pipeline.addLast("codec", http1Codec());
      }
    } else if (config.http2()) {
      HttpServerCodec codec = http1Codec();
      pipeline.addLast(
          "h2c",
          new CleartextHttp2ServerUpgradeHandler(
              codec,
              new HttpServerUpgradeHandler(
                  codec, http2.upgradeCodecFactory(), config.maxBodySize()),
              http2.priorKnowledgeInstaller()));
    } else {
      pipeline.addLast("codec", http1Codec());
    }
    pipeline.addLast("protocol", new ProtocolSelector(this));
  }

  /**
   * Returns the handlers that serve requests, in pipeline order: optional compression (never for
   * {@code text/event-stream}), optional CORS, body aggregation with a size limit, and {@link
   * ConnectionHandler}. New instances each time: one set per HTTP/1.1 connection or HTTP/2 stream.
   */
  Map<String, ChannelHandler> requestHandlers() {
    Map<String, ChannelHandler> handlers = new LinkedHashMap<>();
    if (config.compression()) {
      handlers.put("compressor", new StreamAwareCompressor());
    }
    if (corsConfig != null) {
      // Before the aggregator, so that its 413 carries the CORS headers a browser needs to read it.
      handlers.put("cors", new CorsHandler(corsConfig));
    }
    handlers.put("aggregator", new BodyAggregator(config.maxBodySize()));
    handlers.put("handler", new ConnectionHandler(server, executor));
    return handlers;
  }

  private HttpServerCodec http1Codec() {
    return new HttpServerCodec(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(config.maxRequestLine())
            .setMaxHeaderSize(config.maxHeaderSize()));
  }

  private static CorsConfig corsConfig(Cors cors) {
    CorsConfigBuilder builder =
        CorsConfigBuilder.forOrigins(cors.origins().toArray(String[]::new))
            .allowedRequestMethods(
                HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE)
            .allowedRequestHeaders(cors.allowedHeaders().toArray(String[]::new))
            .maxAge(cors.maxAge().toSeconds());
    if (cors.allowCredentials()) {
      builder.allowCredentials();
    }
    return builder.build();
  }

  /** Picks HTTP/2 or HTTP/1.1 once the TLS handshake has negotiated one by ALPN. */
  private final class Alpn extends ApplicationProtocolNegotiationHandler {
    Alpn() {
      super(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        http2.addTo(ctx.pipeline(), ctx.name());
      } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
        ctx.pipeline().addAfter(ctx.name(), "codec", http1Codec());
      } else {
        LOG.debug("closing {}: unknown protocol {}", ctx.channel().remoteAddress(), protocol);
        ctx.close();
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug(
          "TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
