package dev.herald.server.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Counts the open connections, in total and per client address, and refuses a connection past
 * either limit: its first request is answered with {@code 503} (too many in total) or {@code 429}
 * (too many from its address), {@code Retry-After} and a short text, and the connection is closed.
 * A refused connection does not count.
 *
 * <p>Thread-safe: {@link #acquire} and {@link #release} run on any event loop.
 */
final class ConnectionLimiter {
  /** What to do with a new connection. */
  enum Verdict {
    ACCEPTED,
    TOO_MANY,
    TOO_MANY_FROM_ADDRESS
  }

  /** The {@code Retry-After} of a refusal, in seconds. */
  static final int RETRY_AFTER_SECONDS = 1;

  /** How long a refused connection may take to send its request before it is closed. */
  static final long REFUSAL_TIMEOUT_MILLIS = 5_000;

  private final int maxConnections;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  /** Creates a limiter; {@code 0} means no limit. */
  ConnectionLimiter(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts a new connection from the address, or refuses it; an accepted connection must be {@link
   * #release released} once when it closes. A null address (not an IP connection) counts only
   * toward the total.
   */
  Verdict acquire(@Nullable InetAddress address) {
    if (total.incrementAndGet() > maxConnections && maxConnections > 0) {
      total.decrementAndGet();
      return Verdict.TOO_MANY;
    }
    if (maxPerAddress > 0 && address != null) {
      boolean[] refused = {false};
      perAddress.compute(
          address,
          (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerAddress) {
              refused[0] = true;
              return n;
            }
            return count + 1;
          });
      if (refused[0]) {
        total.decrementAndGet();
        return Verdict.TOO_MANY_FROM_ADDRESS;
      }
    }
    return Verdict.ACCEPTED;
  }

  /** Forgets a connection {@link #acquire} accepted. */
  void release(@Nullable InetAddress address) {
    total.decrementAndGet();
    if (maxPerAddress > 0 && address != null) {
      perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** Returns the connections counted now. */
  int count() {
    return total.get();
  }

  /**
   * Answers the first request of a refused connection and closes it. Runs on the connection's event
   * loop.
   */
  static final class Refusal extends ChannelInboundHandlerAdapter {
    private final Verdict verdict;
    private ScheduledFuture<?> timeout;
    private boolean answered;

    Refusal(Verdict verdict) {
      this.verdict = verdict;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timeout =
          ctx.executor().schedule(() -> ctx.close(), REFUSAL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      timeout.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean request = msg instanceof HttpRequest;
      ReferenceCountUtil.release(msg);
      if (!request || answered) {
        return;
      }
      answered = true;
      ctx.channel().config().setAutoRead(false);
      FullHttpResponse response =
          verdict == Verdict.TOO_MANY
              ? Responses.text(HttpVersion.HTTP_1_1, 503, "too many connections, try again")
              : Responses.text(
                  HttpVersion.HTTP_1_1, 429, "too many connections from your address, try again");
      response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      timeout.cancel(false);
    }
  }
}
