package dev.herald.load.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One keep-alive publisher connection: pipelines up to {@code maxInFlight} {@code POST} requests
 * (form {@code topic}, {@code data}), taking sequence numbers from a {@link Schedule}, and reports
 * each response. Every method runs on the channel's event loop.
 */
final class HubPublisher extends SimpleChannelInboundHandler<FullHttpResponse> {
  /** Says which update to publish next. Called on publishers' event loops. */
  interface Schedule {
    /** Returns the next sequence number to publish now, or -1 if none is due. */
    long next();
  }

  /** Receives the outcome of publications, on the publisher's event loop. */
  interface Outcomes {
    void acked(long seq);

    void refused(long seq, int status, String body);

    /** The connection failed or closed, or the server stopped answering. */
    void failed(String reason);
  }

  private static final long TICK_MICROS = 1000;

  private final Endpoint endpoint;
  private final byte[] formPrefix;
  private final int payloadBytes;
  private final @Nullable String token;
  private final Schedule schedule;
  private final Outcomes outcomes;
  private final long timeoutNanos;

  // Event loop only: a ring of the sequence numbers and send times in flight.
  private final long[] seqs;
  private final long[] sentAt;
  private int head;
  private int size;
  private boolean stopped;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ScheduledFuture<?> ticker;

  HubPublisher(
      Endpoint endpoint,
      String topic,
      int payloadBytes,
      @Nullable String token,
      int maxInFlight,
      long timeoutNanos,
      Schedule schedule,
      Outcomes outcomes) {
    this.endpoint = endpoint;
    this.formPrefix =
        ("topic=" + Endpoint.encode(topic) + "&data=").getBytes(StandardCharsets.US_ASCII);
    this.payloadBytes = payloadBytes;
    this.token = token;
    this.seqs = new long[maxInFlight];
    this.sentAt = new long[maxInFlight];
    this.timeoutNanos = timeoutNanos;
    this.schedule = schedule;
    this.outcomes = outcomes;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Fixed rate from a deadline, so the schedule does not drift; the schedule decides what is due.
    ticker =
        ctx.executor()
            .scheduleAtFixedRate(this::tick, TICK_MICROS, TICK_MICROS, TimeUnit.MICROSECONDS);
    pump();
  }

  /** Stops sending; responses still in flight are reported. Call on any thread. */
  void stop() {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.executor().execute(() -> stopped = true);
    }
  }

  /** Returns the number of requests awaiting a response; event loop only. */
  int inFlight() {
    return size;
  }

  private void tick() {
    if (size > 0 && Payload.now() - sentAt[head] > timeoutNanos) {
      failOnce("no response to a publication for " + timeoutNanos / 1_000_000_000 + " s");
      return;
    }
    pump();
  }

  private void pump() {
    ChannelHandlerContext c = ctx;
    if (c == null || stopped) {
      return;
    }
    boolean sent = false;
    long seq;
    while (size < seqs.length && c.channel().isWritable() && (seq = schedule.next()) >= 0) {
      send(c, seq);
      sent = true;
    }
    if (sent) {
      c.flush();
    }
  }

  private void send(ChannelHandlerContext c, long seq) {
    long now = Payload.now();
    byte[] payload = Payload.encode(seq, now, payloadBytes);
    ByteBuf body = c.alloc().buffer(formPrefix.length + payload.length);
    body.writeBytes(formPrefix).writeBytes(payload);
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, endpoint.publishTarget(), body);
    request.headers().set(HttpHeaderNames.HOST, endpoint.hostHeader());
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (token != null) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
    int tail = (head + size) % seqs.length;
    seqs[tail] = seq;
    sentAt[tail] = now;
    size++;
    c.write(request, c.voidPromise());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (size == 0) {
      failOnce("a response to no request: HTTP " + response.status().code());
      return;
    }
    long seq = seqs[head];
    head = (head + 1) % seqs.length;
    size--;
    int status = response.status().code();
    if (status >= 200 && status < 300) {
      outcomes.acked(seq);
    } else {
      String body = response.content().toString(StandardCharsets.UTF_8);
      outcomes.refused(seq, status, body.length() > 200 ? body.substring(0, 200) : body.strip());
    }
    pump();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    pump();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (ticker != null) {
      ticker.cancel(false);
    }
    if (!stopped || size > 0) {
      failOnce("publisher connection closed" + (size > 0 ? " with " + size + " in flight" : ""));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failOnce("publisher: " + cause);
    ctx.close();
  }

  private void failOnce(String reason) {
    if (!stopped || size > 0) {
      stopped = true;
      size = 0;
      outcomes.failed(reason);
      if (ctx != null) {
        ctx.close();
      }
    }
  }
}
