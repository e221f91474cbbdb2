package dev.herald.server.internal;

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Compresses single responses of at least 1 KiB with gzip or deflate when the client accepts it,
 * and never an event stream: a compressor buffers, and a buffered event arrives late. Nor a
 * download ({@link DownloadHead}): its length, ranges and zero-copy body go out as they are.
 */
final class StreamAwareCompressor extends HttpContentCompressor {
  StreamAwareCompressor() {
    super(1024, StandardCompressionOptions.gzip(), StandardCompressionOptions.deflate());
  }

  @Override
  protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
    if (response instanceof DownloadHead) {
      return null;
    }
    String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17)) {
      return null;
    }
    Result result = super.beginEncode(response, acceptEncoding);
    if (result != null) {
      response.headers().add(HttpHeaderNames.VARY, "Accept-Encoding");
    }
    return result;
  }
}
