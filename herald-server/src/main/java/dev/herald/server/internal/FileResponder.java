package dev.herald.server.internal;

import dev.herald.server.HttpStatusException;
import dev.herald.server.Request;
import dev.herald.server.StreamableFile;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request with a {@link StreamableFile}: validators, conditional requests and byte ranges
 * for files (RFC 9110 §8.8, §13, §14), then the body — a {@link DefaultFileRegion} (zero-copy) for
 * a file on a plain socket, otherwise a {@link BodyWriter} fed by a {@link SourceReader} or a
 * {@link BufferSubscriber}.
 *
 * <p>Threads: {@link #serve} runs on the handler thread, so opening and stat-ing a file, and
 * subscribing, never block an event loop; an error there (a missing file is {@code 404}, anything
 * else {@code 500}) is thrown before anything is written, and becomes a status response. The
 * writing runs on the connection's event loop. When the response has ended the connection serves
 * its next request ({@link ConnectionHandler#streamEnded}) or closes.
 */
final class FileResponder {
  private static final Logger LOG = LoggerFactory.getLogger(FileResponder.class);

  private FileResponder() {}

  /**
   * Answers the request with the download. Runs on the handler thread.
   *
   * @throws HttpStatusException with 404 if the file does not exist or is not a regular file
   * @throws UncheckedIOException if the file cannot be read (a 500)
   */
  static void serve(
      ConnectionHandler owner,
      ChannelHandlerContext ctx,
      Executor executor,
      HttpVersion version,
      Request request,
      StreamableFile file) {
    boolean head = request.method().equals("HEAD");
    Object source = file.source();
    if (source instanceof Path) {
      try {
        servePath(owner, ctx, executor, version, request, file, (Path) source);
      } catch (NoSuchFileException e) {
        throw new HttpStatusException(404, "not found: " + request.path(), e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + source, e);
      }
      return;
    }
    HttpResponse response = head(version, HttpResponseStatus.OK, file, file.length());
    response.headers().set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.NONE);
    if (source instanceof InputStream) {
      InputStream in = (InputStream) source;
      if (head) {
        closeQuietly(in);
        sendHead(owner, ctx, response);
        return;
      }
      BodyWriter writer = new BodyWriter(owner, ctx, response, file.length(), request.toString());
      writer.producer(
          new SourceReader(
              SourceReader.stream(in),
              file.length(),
              writer,
              executor,
              ctx.channel().eventLoop(),
              ctx.alloc()));
      inEventLoop(ctx, writer::start, writer::abandon);
      return;
    }
    if (head) {
      sendHead(owner, ctx, response); // a publisher is not subscribed to for HEAD
      return;
    }
    BodyWriter writer = new BodyWriter(owner, ctx, response, file.length(), request.toString());
    BufferSubscriber subscriber = new BufferSubscriber(writer, executor, ctx.alloc());
    writer.producer(subscriber);
    try {
      toFlowPublisher(source).subscribe(subscriber);
    } catch (RuntimeException e) {
      writer.abandon();
      throw e;
    }
    inEventLoop(ctx, writer::start, writer::abandon);
  }

  private static void servePath(
      ConnectionHandler owner,
      ChannelHandlerContext ctx,
      Executor executor,
      HttpVersion version,
      Request request,
      StreamableFile file,
      Path path)
      throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new HttpStatusException(404, "not found: " + request.path());
    }
    long size = attributes.size();
    long modified = attributes.lastModifiedTime().to(TimeUnit.SECONDS);
    String etag = Preconditions.etag(size, attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS));
    String lastModified = Preconditions.httpDate(modified);
    String method = request.method();
    boolean getOrHead = method.equals("GET") || method.equals("HEAD");
    switch (Preconditions.evaluate(request, etag, modified, getOrHead)) {
      case NOT_MODIFIED:
        FullHttpResponse notModified =
            new DefaultFullHttpResponse(
                version, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        notModified
            .headers()
            .set(HttpHeaderNames.ETAG, etag)
            .set(HttpHeaderNames.LAST_MODIFIED, lastModified)
            .set(HttpHeaderNames.CACHE_CONTROL, file.cacheControl());
        sendHead(owner, ctx, notModified);
        return;
      case FAILED:
        sendHead(owner, ctx, Responses.text(version, 412, "precondition failed"));
        return;
      default:
        break;
    }
    RangeSpec range = RangeSpec.WHOLE;
    if (method.equals("GET")
        && Preconditions.rangeApplies(request.header("If-Range"), etag, modified)) {
      range = RangeSpec.parse(request.header("Range"), size);
    }
    if (range.kind() == RangeSpec.Kind.UNSATISFIABLE) {
      FullHttpResponse unsatisfiable = Responses.text(version, 416, "range not satisfiable");
      unsatisfiable
          .headers()
          .set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size)
          .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
      sendHead(owner, ctx, unsatisfiable);
      return;
    }
    boolean partial = range.kind() == RangeSpec.Kind.SINGLE;
    long first = partial ? range.first() : 0;
    long count = partial ? range.length() : size;
    HttpResponse response =
        head(
            version,
            partial ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK,
            file,
            count);
    response
        .headers()
        .set(HttpHeaderNames.ETAG, etag)
        .set(HttpHeaderNames.LAST_MODIFIED, lastModified)
        .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
    if (partial) {
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + "-" + range.last() + "/" + size);
    }
    if (method.equals("HEAD")) {
      sendHead(owner, ctx, response);
      return;
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    if (zeroCopy(ctx)) {
      inEventLoop(
          ctx,
          () -> sendRegion(owner, ctx, response, channel, first, count),
          () -> closeQuietly(channel));
      return;
    }
    BodyWriter writer = new BodyWriter(owner, ctx, response, count, request.toString());
    writer.producer(
        new SourceReader(
            SourceReader.file(channel, first),
            count,
            writer,
            executor,
            ctx.channel().eventLoop(),
            ctx.alloc()));
    inEventLoop(ctx, writer::start, writer::abandon);
  }

  /**
   * Returns whether a file can go out as a {@code FileRegion}: only on a plain TCP socket, where
   * the kernel copies it ({@code sendfile}); TLS and HTTP/2 streams need the bytes in user space.
   */
  static boolean zeroCopy(ChannelHandlerContext ctx) {
    return ctx.channel() instanceof SocketChannel && ctx.pipeline().get(SslHandler.class) == null;
  }

  /**
   * Returns the head of a download of {@code length} bytes ({@code -1} if unknown) with its
   * representation headers, framing and the file's extra headers.
   */
  private static HttpResponse head(
      HttpVersion version, HttpResponseStatus status, StreamableFile file, long length) {
    HttpResponse response = new DownloadHead(version, status);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
    String disposition = file.contentDisposition();
    if (disposition != null) {
      headers.set(HttpHeaderNames.CONTENT_DISPOSITION, disposition);
    }
    headers.set(HttpHeaderNames.CACHE_CONTROL, file.cacheControl());
    for (Map.Entry<String, String> header : file.headers()) {
      headers.add(header.getKey(), header.getValue());
    }
    if (length >= 0) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
    } else if (version.equals(HttpVersion.HTTP_1_1)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return response;
  }

  /**
   * Sets the {@code Connection} header of a response about to be written and returns whether the
   * connection closes after it: when it may not be kept alive, or when the body of unknown length
   * can only end with the connection (HTTP/1.0). Runs on the event loop.
   */
  static boolean connectionHeaders(HttpResponse response, boolean keepAlive, boolean framed) {
    boolean http10 = response.protocolVersion().equals(HttpVersion.HTTP_1_0);
    boolean close = !keepAlive || (http10 && !framed);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return close;
  }

  /** Writes a response without a body (HEAD, 304) or a complete one (412, 416). */
  private static void sendHead(
      ConnectionHandler owner, ChannelHandlerContext ctx, HttpResponse response) {
    boolean full = response instanceof FullHttpResponse;
    inEventLoop(
        ctx,
        () -> {
          if (!ctx.channel().isActive()) {
            if (full) {
              ((FullHttpResponse) response).release();
            }
            return;
          }
          boolean framed =
              full
                  || response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                  || response.status().code() == 304;
          boolean close = connectionHeaders(response, owner.keepAlive(), framed);
          ChannelFuture last;
          if (full) {
            last = ctx.writeAndFlush(response);
          } else {
            ctx.write(response);
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
          }
          ended(owner, ctx, last, close);
        },
        () -> {
          if (full) {
            ((FullHttpResponse) response).release();
          }
        });
  }

  /** Writes the head, the file region and the end. Runs on the event loop. */
  private static void sendRegion(
      ConnectionHandler owner,
      ChannelHandlerContext ctx,
      HttpResponse response,
      FileChannel channel,
      long first,
      long count) {
    if (!ctx.channel().isActive()) {
      closeQuietly(channel);
      return;
    }
    boolean close = connectionHeaders(response, owner.keepAlive(), true);
    ctx.write(response);
    if (count > 0) {
      // The region owns the file channel from here: the channel releases it, which closes the
      // file, once written, or when the connection closes first.
      ctx.write(new DefaultFileRegion(channel, first, count));
    } else {
      closeQuietly(channel);
    }
    ended(owner, ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), close);
  }

  private static void ended(
      ConnectionHandler owner, ChannelHandlerContext ctx, ChannelFuture last, boolean close) {
    last.addListener(
        (ChannelFutureListener)
            future -> {
              if (!future.isSuccess()) {
                ctx.channel().close();
                return;
              }
              // Only now: until the last byte is out, the connection is busy, so its idle
              // timeout does not cut a long download.
              owner.streamEnded(close);
              if (close) {
                ctx.channel().close();
              }
            });
  }

  @SuppressWarnings("unchecked")
  private static Flow.Publisher<? extends ByteBuffer> toFlowPublisher(Object source) {
    if (source instanceof Flow.Publisher) {
      return (Flow.Publisher<? extends ByteBuffer>) source;
    }
    return FlowAdapters.toFlowPublisher((org.reactivestreams.Publisher<ByteBuffer>) source);
  }

  private static void inEventLoop(ChannelHandlerContext ctx, Runnable task, Runnable ifGone) {
    try {
      ctx.channel().eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      ifGone.run();
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing a download source failed", e);
    }
  }
}
