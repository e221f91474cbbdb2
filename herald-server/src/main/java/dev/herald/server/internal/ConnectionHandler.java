package dev.herald.server.internal;

import dev.herald.server.EventStream;
import dev.herald.server.Guard;
import dev.herald.server.HttpStatusException;
import dev.herald.server.StreamableFile;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of one HTTP/1.1 connection, one at a time, in order; or the one request of an
 * HTTP/2 stream, in the stream's child channel ({@link Http2Support}).
 *
 * <p>Threads: Netty calls this handler on the connection's event loop, and every field is read and
 * written there only. Guards and handlers run on the handler executor; their outcome comes back to
 * the event loop through {@code eventLoop().execute}. A request that arrives while another is in
 * progress waits in {@link #waiting} (pipelining); past {@link #MAX_WAITING} the connection stops
 * reading until the queue shrinks. Requests that arrive on a connection carrying an open SSE stream
 * are dropped: the connection keeps reading only so that it notices the client going away.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

  /** Pipelined requests held before the connection stops reading. */
  static final int MAX_WAITING = 8;

  private final NettyServer server;
  private final Executor executor;
  // Made by the first pipelined request: most connections never pipeline, and an idle connection
  // holding a stream should not carry an empty queue.
  private @Nullable ArrayDeque<FullHttpRequest> waiting;

  private ChannelHandlerContext ctx;
  private boolean busy;
  private boolean keepAlive;
  private boolean head;
  private HttpVersion version = HttpVersion.HTTP_1_1;
  private SseStream stream;

  ConnectionHandler(NettyServer server, Executor executor) {
    this.server = server;
    this.executor = executor;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    FullHttpRequest request = (FullHttpRequest) msg;
    if (busy) {
      ArrayDeque<FullHttpRequest> waiting = this.waiting;
      if (waiting == null) {
        waiting = this.waiting = new ArrayDeque<>(MAX_WAITING);
      }
      if (waiting.size() >= MAX_WAITING && stream != null) {
        // A stream must keep reading to notice its client leave; a client that piles up
        // requests behind a stream is misbehaving.
        request.release();
        ctx.close();
        return;
      }
      waiting.add(request);
      if (waiting.size() >= MAX_WAITING) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    try {
      serve(request);
    } finally {
      request.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (stream != null) {
      stream.close();
      stream = null;
    }
    FullHttpRequest request;
    while (waiting != null && (request = waiting.poll()) != null) {
      request.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (stream != null) {
      stream.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      IdleState state = ((IdleStateEvent) evt).state();
      if (state == IdleState.READER_IDLE && stream == null && !busy) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException
        || cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
      LOG.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else if (cause instanceof DecoderException) {
      // The client broke the protocol (such as pipelining past the codec's depth): one line.
      LOG.info(
          "closing connection from {}: {}",
          ctx.channel().remoteAddress(),
          cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
    } else {
      LOG.warn("connection from {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  /** Ends the connection's work because the server stops. Runs on the event loop. */
  void serverStopping() {
    keepAlive = false;
    if (stream != null) {
      stream.stop();
    } else if (!busy) {
      ctx.close();
    }
  }

  // ---- one request ----

  private void serve(FullHttpRequest request) {
    DecoderResult result = request.decoderResult();
    busy = true;
    version = request.protocolVersion();
    keepAlive = HttpUtil.isKeepAlive(request) && !server.isStopping();
    head = request.method().equals(HttpMethod.HEAD);
    if (result.isFailure()) {
      keepAlive = false;
      rejectMalformed(result.cause());
      return;
    }
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    Router.Match match;
    try {
      query.parameters(); // decode now: a malformed query is the client's error, here
      match = server.router().find(request.method().name(), query.rawPath());
    } catch (IllegalArgumentException e) {
      respond(Responses.text(version, 400, "malformed request target"));
      return;
    }
    Route route = match.route();
    if (route == null) {
      respond(
          match.allowed().isEmpty()
              ? Responses.text(version, 404, "not found: " + query.rawPath())
              : Responses.methodNotAllowed(version, match.allowed()));
      return;
    }
    if (route.isSse() && head) {
      respond(Responses.methodNotAllowed(version, java.util.List.of("GET")));
      return;
    }
    DefaultRequest req =
        new DefaultRequest(
            request.method().name(),
            request.uri(),
            query,
            match.params(),
            request.headers(),
            ByteBufUtil.getBytes(request.content()),
            (InetSocketAddress) ctx.channel().remoteAddress(),
            server.config().objectMapper());
    try {
      executor.execute(() -> invoke(route, req));
    } catch (RejectedExecutionException e) {
      FullHttpResponse busyResponse = Responses.text(version, 503, "server busy, try again");
      busyResponse.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      respond(busyResponse);
    }
  }

  /** Runs guards and the handler. Runs on the handler executor. */
  private void invoke(Route route, DefaultRequest request) {
    try {
      for (Guard guard : route.guards()) {
        Object principal = guard.check(request);
        if (principal != null) {
          request.principal(principal);
        }
      }
      if (route.isSse()) {
        whenReady(route.sseHandler().stream(request), result -> subscribe(result, request));
      } else {
        whenReady(route.handler().handle(request), result -> complete(result, request));
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  private void whenReady(Object result, Consumer<Object> next) {
    if (result instanceof CompletionStage) {
      ((CompletionStage<?>) result)
          .whenComplete(
              (value, error) -> {
                if (error != null) {
                  fail(
                      error instanceof CompletionException && error.getCause() != null
                          ? error.getCause()
                          : error);
                } else {
                  try {
                    next.accept(value);
                  } catch (Throwable t) {
                    fail(t);
                  }
                }
              });
    } else {
      next.accept(result);
    }
  }

  private void complete(Object result, DefaultRequest request) {
    if (result instanceof StreamableFile) {
      FileResponder.serve(this, ctx, executor, version, request, (StreamableFile) result);
      return;
    }
    FullHttpResponse response = Responses.from(version, result, server.config().objectMapper());
    inEventLoop(() -> respond(response), response::release);
  }

  private void subscribe(Object result, DefaultRequest request) {
    EventStream eventStream = result instanceof EventStream ? (EventStream) result : null;
    Flow.Publisher<?> publisher =
        toFlowPublisher(eventStream == null ? result : eventStream.publisher());
    SseStream sse =
        new SseStream(this, ctx, server, executor, request.toString(), eventStream, version);
    publisher.subscribe(sse);
    inEventLoop(
        () -> {
          stream = sse;
          sse.open(keepAlive, version);
        },
        sse::close);
  }

  @SuppressWarnings("unchecked")
  private static Flow.Publisher<?> toFlowPublisher(Object result) {
    if (result instanceof Flow.Publisher) {
      return (Flow.Publisher<?>) result;
    }
    if (result instanceof org.reactivestreams.Publisher) {
      return FlowAdapters.toFlowPublisher((org.reactivestreams.Publisher<Object>) result);
    }
    throw new IllegalStateException(
        "SSE handler returned "
            + (result == null ? "null" : result.getClass().getName())
            + " (expected: a Flow.Publisher, an org.reactivestreams.Publisher or an EventStream)");
  }

  private void fail(Throwable error) {
    inEventLoop(() -> respondError(error), () -> {});
  }

  private void inEventLoop(Runnable task, Runnable ifGone) {
    try {
      ctx.channel().eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      ifGone.run();
    }
  }

  // ---- event loop: writing responses ----

  /** The stream failed before its head was written: answer with a status instead. */
  void streamFailedBeforeOpen(Throwable error) {
    stream = null;
    respondError(error);
  }

  /** The stream's response has ended; the connection serves the next request unless closing. */
  void streamEnded(boolean closing) {
    stream = null;
    if (closing || !keepAlive) {
      busy = false; // the connection closes once the end of the stream is written
      return;
    }
    next();
  }

  boolean keepAlive() {
    return keepAlive;
  }

  private void respondError(Throwable error) {
    if (error instanceof HttpStatusException) {
      HttpStatusException e = (HttpStatusException) error;
      if (e.getCause() != null) {
        LOG.debug("request refused with {}: {}", e.status(), e.getMessage(), e.getCause());
      }
      FullHttpResponse response = Responses.text(version, e.status(), e.getMessage());
      for (Map.Entry<String, String> header : e.headers()) {
        response.headers().add(header.getKey(), header.getValue());
      }
      respond(response);
    } else if (error instanceof RejectedExecutionException) {
      FullHttpResponse response = Responses.text(version, 503, "server busy, try again");
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      respond(response);
    } else {
      LOG.error("handler failed", error);
      respond(Responses.text(version, 500, "internal server error"));
    }
  }

  private void rejectMalformed(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      respond(Responses.text(version, 414, "request line too long"));
    } else if (cause instanceof TooLongHttpHeaderException) {
      respond(Responses.text(version, 431, "request headers too large"));
    } else {
      LOG.debug("malformed request from {}: {}", ctx.channel().remoteAddress(), cause.toString());
      respond(Responses.text(version, 400, "malformed request"));
    }
  }

  private void respond(FullHttpResponse response) {
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    boolean close = !keepAlive || server.isStopping();
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (version.equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    if (head) {
      response.content().clear();
    }
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (close || !future.isSuccess()) {
                    future.channel().close();
                  } else {
                    next();
                  }
                });
  }

  private void next() {
    busy = false;
    FullHttpRequest request = waiting == null ? null : waiting.poll();
    int stillWaiting = waiting == null ? 0 : waiting.size();
    if (!ctx.channel().config().isAutoRead() && stillWaiting < MAX_WAITING / 2) {
      ctx.channel().config().setAutoRead(true);
    }
    if (request != null) {
      try {
        serve(request);
      } finally {
        request.release();
      }
    }
  }
}
