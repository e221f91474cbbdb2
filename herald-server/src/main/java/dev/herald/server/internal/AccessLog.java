package dev.herald.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per request to the logger {@value #LOGGER} at {@code INFO}: client address,
 * method, request target, status, body bytes written, duration in milliseconds. An SSE stream or a
 * download is logged when it ends; one cut short by the connection closing ends with {@code
 * (closed)}.
 *
 * <p>Never logs a credential: no header is logged, and the value of a query parameter that may
 * carry one ({@code authorization}, {@code access_token}, {@code token}, {@code signature}) is
 * replaced by {@code ***}, whatever its case or percent-encoding.
 *
 * <p>Sits just after the HTTP codec, so it counts the bytes the codec frames (after compression).
 * Threads: the connection's event loop only.
 */
final class AccessLog extends ChannelDuplexHandler {
  /** The name of the access logger. */
  static final String LOGGER = "dev.herald.access";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Set<String> MASKED =
      Set.of("authorization", "access_token", "token", "signature");

  /** One request, from its head to the end of its response. Event loop only. */
  private static final class Entry {
    final String method;
    final String target;
    final long start = System.nanoTime();
    int status;
    long bytes;

    Entry(String method, String target) {
      this.method = method;
      this.target = target;
    }
  }

  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  private Entry current;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      HttpRequest request = (HttpRequest) msg;
      waiting.add(new Entry(request.method().name(), mask(request.uri())));
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse && ((HttpResponse) msg).status().code() < 200) {
      ctx.write(msg, promise); // 100 Continue: the response comes after
      return;
    }
    if (msg instanceof HttpResponse) {
      current = waiting.poll();
      if (current == null) {
        current = new Entry("-", "-");
      }
      current.status = ((HttpResponse) msg).status().code();
    }
    Entry entry = current;
    if (entry == null) {
      ctx.write(msg, promise);
      return;
    }
    entry.bytes += size(msg);
    if (msg instanceof LastHttpContent) {
      current = null;
      SocketAddress remote = ctx.channel().remoteAddress();
      ChannelPromise p = promise.unvoid();
      p.addListener(
          (ChannelFutureListener) f -> log(remote, entry, f.isSuccess() ? "" : " (closed)"));
      ctx.write(msg, p);
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      log(ctx.channel().remoteAddress(), current, " (closed)");
      current = null;
    }
    waiting.clear();
    ctx.fireChannelInactive();
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBufHolder) {
      return ((ByteBufHolder) msg).content().readableBytes();
    } else if (msg instanceof ByteBuf) {
      return ((ByteBuf) msg).readableBytes();
    } else if (msg instanceof FileRegion) {
      return ((FileRegion) msg).count();
    }
    return 0;
  }

  private static void log(SocketAddress remote, Entry entry, String suffix) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String client =
        remote instanceof InetSocketAddress
            ? ((InetSocketAddress) remote).getAddress().getHostAddress()
            : String.valueOf(remote);
    LOG.info(
        "{} {} {} {} {} {}ms{}",
        client,
        entry.method,
        entry.target,
        entry.status,
        entry.bytes,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - entry.start),
        suffix);
  }

  /** Returns the request target with the values of credential-bearing parameters masked. */
  static String mask(String target) {
    int q = target.indexOf('?');
    if (q < 0) {
      return target;
    }
    StringBuilder out = new StringBuilder(target.length()).append(target, 0, q + 1);
    String[] params = target.substring(q + 1).split("&", -1);
    for (int i = 0; i < params.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      String param = params[i];
      int eq = param.indexOf('=');
      String name = eq < 0 ? param : param.substring(0, eq);
      if (isMasked(name)) {
        out.append(name).append("=***");
      } else {
        out.append(param);
      }
    }
    return out.toString();
  }

  private static boolean isMasked(String rawName) {
    String name;
    try {
      name = QueryStringDecoder.decodeComponent(rawName);
    } catch (IllegalArgumentException e) {
      return true; // undecodable: cannot tell, so hide it
    }
    return MASKED.contains(name.trim().toLowerCase(Locale.ROOT));
  }
}
