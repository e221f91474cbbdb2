package dev.herald.server.internal;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The head of a {@link dev.herald.server.StreamableFile} response. Its own type tells {@link
 * StreamAwareCompressor} to leave the body alone: a compressor would corrupt a {@code FileRegion}
 * (which bypasses it), break {@code Content-Length} and {@code Content-Range}, and buffer bytes a
 * client waits for.
 */
final class DownloadHead extends DefaultHttpResponse {
  DownloadHead(HttpVersion version, HttpResponseStatus status) {
    super(version, status);
  }
}
