package dev.herald.server.internal;

import dev.herald.server.Cors;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the pipeline of each accepted connection.
 *
 * <pre>
 * plain, HTTP/2 off:  watch → HTTP/1.1 codec → protocol
 * plain, HTTP/2 on:   watch → h2c (prior-knowledge preface or Upgrade: h2c, else HTTP/1.1) →
 *                     protocol
 * TLS:                watch → TLS → ALPN (h2 → HTTP/2 frames, http/1.1 → codec) → protocol
 * </pre>
 *
 * <p>{@link ConnectionWatch} counts what goes on the wire, closes a connection whose client stopped
 * reading and tells when one has sent nothing for the idle timeout, and a connection past the
 * connection limits ({@link ConnectionLimiter}) gets a {@link ConnectionLimiter.Refusal} in place
 * of {@link ConnectionHandler}.
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
  private final Runnable onStall;

  /** The name of the access log's handler, when it is on. */
  static final String ACCESS_LOG = "access-log";

  /** The connection limits' verdict on a connection, for the handlers of its streams. */
  private static final AttributeKey<ConnectionLimiter.Verdict> VERDICT =
      AttributeKey.valueOf(PipelineInitializer.class, "verdict");

  PipelineInitializer(
      NettyServer server, Executor executor, ChannelGroup connections, ChannelGroup streams) {
    this.server = server;
    this.config = server.config();
    this.executor = executor;
    this.connections = connections;
    this.corsConfig = config.cors() == null ? null : corsConfig(config.cors());
    this.http2 = new Http2Support(this, config, streams);
    this.onStall = server::slowConsumerCut;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    init(ch, ch.remoteAddress());
  }

  /**
   * Sets up the pipeline of a connection from {@code remote}. Apart from {@link #initChannel}, used
   * by {@code SharedChunkFanOutTest} and herald-benchmarks' {@code FanOutBenchmark}, which run the
   * same pipeline on embedded channels.
   */
  void init(Channel ch, @Nullable InetSocketAddress remote) {
    connections.add(ch);
    server.connectionAccepted();
    InetAddress address = remote == null ? null : remote.getAddress();
    ConnectionLimiter limiter = server.limiter();
    ConnectionLimiter.Verdict verdict = limiter.acquire(address);
    if (verdict == ConnectionLimiter.Verdict.ACCEPTED) {
      ch.closeFuture().addListener(f -> limiter.release(address));
    }
    if (verdict != ConnectionLimiter.Verdict.ACCEPTED) {
      // Only refusals are marked: an attribute costs every connection an attribute map.
      ch.attr(VERDICT).set(verdict);
    }
    ChannelPipeline pipeline = ch.pipeline();
    // Next to the socket, so that it counts what goes on the wire. Reader idleness only: streams
    // send their own heartbeats (SseStream); a connection with a stream or a response in progress
    // ignores the event.
    pipeline.addLast(
        "watch",
        new ConnectionWatch(
            server.bytesCounter(), config.writeTimeout(), config.idleTimeout(), onStall));
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
      // The upgrade handler leaves after the first request that asks for no upgrade: clients
      // upgrade on their first request (RFC 7540 3.2), and an idle connection holding an SSE
      // stream should not carry an aggregator it will never use. A later "Upgrade: h2c" is
      // answered over HTTP/1.1, as the upgrade is optional for the server.
      pipeline.addLast(
          "h2c",
          new CleartextHttp2ServerUpgradeHandler(
              codec,
              new HttpServerUpgradeHandler(
                  codec,
                  http2.upgradeCodecFactory(),
                  config.maxBodySize(),
                  DefaultHttpHeadersFactory.headersFactory(),
                  DefaultHttpHeadersFactory.trailersFactory(),
                  true),
              http2.priorKnowledgeInstaller()));
    } else {
      pipeline.addLast("codec", http1Codec());
    }
    pipeline.addLast("protocol", new ProtocolSelector(this));
  }

  /**
   * Returns the handlers that serve requests on {@code channel} (a connection, or an HTTP/2
   * stream's child channel), in pipeline order: the optional {@link AccessLog}, optional
   * compression (never for {@code text/event-stream}), optional CORS, body aggregation with a size
   * limit, and {@link ConnectionHandler} — or {@link ConnectionLimiter.Refusal} on a connection
   * past the connection limits. New instances each time: one set per HTTP/1.1 connection or HTTP/2
   * stream.
   */
  Map<String, ChannelHandler> requestHandlers(Channel channel) {
    Map<String, ChannelHandler> handlers = new LinkedHashMap<>();
    if (config.accessLog()) {
      handlers.put(ACCESS_LOG, new AccessLog());
    }
    if (config.compression()) {
      handlers.put("compressor", new StreamAwareCompressor());
    }
    if (corsConfig != null) {
      // Before the aggregator, so that its 413 carries the CORS headers a browser needs to read it.
      handlers.put("cors", new CorsHandler(corsConfig));
    }
    handlers.put("aggregator", new BodyAggregator(config.maxBodySize()));
    Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
    // hasAttr first: attr() would make the attribute on an accepted connection.
    ConnectionLimiter.Verdict verdict =
        connection.hasAttr(VERDICT) ? connection.attr(VERDICT).get() : null;
    handlers.put(
        "handler",
        verdict == null || verdict == ConnectionLimiter.Verdict.ACCEPTED
            ? new ConnectionHandler(server, executor)
            : new ConnectionLimiter.Refusal(verdict));
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
