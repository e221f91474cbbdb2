package dev.herald.server.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection until its protocol is known. The first HTTP/1.1 request (no
 * upgrade, no HTTP/2 preface, or ALPN chose {@code http/1.1}) replaces it with the request handlers
 * ({@link PipelineInitializer#requestHandlers}). On an HTTP/2 connection it stays, and closes the
 * connection (with {@code GOAWAY}) when it has been idle for the idle timeout with no stream open.
 * Before either, an idle connection is closed.
 *
 * <p>Threads: the connection's event loop only.
 */
final class ProtocolSelector extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolSelector.class);

  private final PipelineInitializer initializer;

  ProtocolSelector(PipelineInitializer initializer) {
    this.initializer = initializer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpMessage)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    String previous = ctx.name();
    for (Map.Entry<String, ChannelHandler> handler :
        initializer.requestHandlers(ctx.channel()).entrySet()) {
      ctx.pipeline().addAfter(previous, handler.getKey(), handler.getValue());
      previous = handler.getKey();
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(msg); // to the handlers just added after this one
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (((IdleStateEvent) evt).state() == IdleState.READER_IDLE
          && Http2Support.activeStreams(ctx.pipeline()) <= 0) {
        ctx.close();
      }
      return;
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException || cause instanceof SSLException) {
      LOG.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else if (cause.getCause() instanceof SSLException) {
      LOG.debug(
          "TLS from {} failed: {}", ctx.channel().remoteAddress(), cause.getCause().toString());
    } else {
      LOG.warn("connection from {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
