package dev.herald.server.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads a request body in full, up to a limit; a larger body is answered with {@code 413} and a
 * short text, and the connection closes (its remaining bytes are not worth reading).
 */
final class BodyAggregator extends HttpObjectAggregator {
  private final int maxBodySize;

  BodyAggregator(int maxBodySize) {
    super(maxBodySize);
    this.maxBodySize = maxBodySize;
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof FullHttpResponse
        && ((FullHttpResponse) response).status().code() == 413) {
      ReferenceCountUtil.release(response);
      return tooLarge();
    }
    return response;
  }

  private FullHttpResponse tooLarge() {
    return Responses.text(
        HttpVersion.HTTP_1_1, 413, "request body too large (limit: " + maxBodySize + " bytes)");
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse response = tooLarge();
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
