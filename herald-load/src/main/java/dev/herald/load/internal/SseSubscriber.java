package dev.herald.load.internal;

import dev.herald.sse.MessageEvent;
import dev.herald.sse.SseListener;
import dev.herald.sse.SseParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One subscriber connection: sends {@code GET ?topic=}, checks the response head, and feeds the
 * body to an {@link SseParser}. One instance per channel; every method runs on its event loop.
 */
final class SseSubscriber extends ChannelInboundHandlerAdapter implements SseListener {
  /** The longest line, and the largest event data, accepted from a server: {@value} bytes. */
  static final int MAX_LINE = 2 << 20;

  private static final int MAX_ERROR_BODY = 200;

  /**
   * How long a server may hold back its response head before the stream counts as open anyway, in
   * milliseconds: some servers (Reactor Netty, NestJS) send the head with the first event, which
   * the run publishes only once every stream is open.
   */
  static final long HEADLESS_OPEN_MILLIS = 1_000;

  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[16 * 1024];
        }
      };

  private final Client client;
  private final Endpoint endpoint;
  private final String target;
  private final @Nullable String token;
  private final SubscriberEvents events;

  // Event loop only.
  private @Nullable SseParser parser;
  private @Nullable StringBuilder errorBody;
  private int status;
  private boolean open;
  private boolean reported;

  SseSubscriber(
      Client client,
      Endpoint endpoint,
      String topic,
      @Nullable String token,
      SubscriberEvents events) {
    this.client = client;
    this.endpoint = endpoint;
    this.target = endpoint.subscribeTarget(topic);
    this.token = token;
    this.events = events;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, target, Unpooled.EMPTY_BUFFER);
    request.headers().set(HttpHeaderNames.HOST, endpoint.hostHeader());
    request.headers().set(HttpHeaderNames.ACCEPT, "text/event-stream");
    request.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    if (token != null) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
    String lastEventId = client.lastEventId;
    if (!lastEventId.isEmpty()) {
      request.headers().set("Last-Event-ID", lastEventId);
    }
    ctx.writeAndFlush(request);
    ScheduledFuture<?> unused =
        ctx.executor()
            .schedule(
                () -> {
                  if (!open && errorBody == null && ctx.channel().isActive()) {
                    opened();
                  }
                },
                HEADLESS_OPEN_MILLIS,
                TimeUnit.MILLISECONDS);
  }

  private void opened() {
    open = true;
    client.connectedNanos = Payload.now();
    events.connected(client);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpResponse) {
        head(ctx, (HttpResponse) msg);
      }
      if (msg instanceof HttpContent) {
        content(ctx, (HttpContent) msg);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void head(ChannelHandlerContext ctx, HttpResponse response) {
    status = response.status().code();
    String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (status == 200 && type.startsWith("text/event-stream")) {
      parser =
          SseParser.builder()
              .maxLineLength(MAX_LINE)
              .maxEventSize(MAX_LINE)
              .lastEventId(client.lastEventId)
              .build(this);
      if (!open) {
        opened();
      }
    } else {
      errorBody = new StringBuilder("HTTP " + status + (status == 200 ? " " + type : "") + ": ");
    }
  }

  private void content(ChannelHandlerContext ctx, HttpContent content) {
    SseParser p = parser;
    ByteBuf buf = content.content();
    if (p != null) {
      feed(p, buf);
    } else if (errorBody != null) {
      int room = MAX_ERROR_BODY - errorBody.length();
      if (room > 0 && buf.isReadable()) {
        errorBody.append(
            buf.toString(
                    buf.readerIndex(), Math.min(room, buf.readableBytes()), StandardCharsets.UTF_8)
                .strip());
      }
      if (content instanceof LastHttpContent) {
        fail(errorBody.toString());
        ctx.close();
      }
      return;
    }
    if (content instanceof LastHttpContent) {
      ctx.close(); // the server ended the stream
    }
  }

  private static void feed(SseParser p, ByteBuf buf) {
    if (buf.hasArray()) {
      p.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      return;
    }
    byte[] scratch = SCRATCH.get();
    int at = buf.readerIndex();
    int end = buf.writerIndex();
    while (at < end) {
      int n = Math.min(scratch.length, end - at);
      buf.getBytes(at, scratch, 0, n);
      p.feed(scratch, 0, n);
      at += n;
    }
  }

  @Override
  public void onEvent(MessageEvent event) {
    String id = event.id();
    if (id != null) {
      client.lastEventId = id;
    }
    events.event(client, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (parser == null) {
      fail(status == 0 ? "connection closed before a response" : "HTTP " + status);
    } else if (!reported) {
      reported = true;
      events.closed(client);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (parser == null) {
      fail(String.valueOf(cause));
    }
    ctx.close();
  }

  private void fail(String reason) {
    if (!reported) {
      reported = true;
      events.failed(client, reason);
    }
  }
}
