package dev.herald.server;

import dev.herald.hub.Hub;
import dev.herald.hub.Update;
import dev.herald.server.internal.EmbeddedConnections;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the whole fan-out of one update inside one JVM, from the hub to the bytes each
 * connection hands to its socket: {@link Hub#publish} (id, history, encoding once, dispatch), each
 * subscriber's {@code HubSubscriber} and {@code SseStream}, the drain on the connection's event
 * loop and the write past the HTTP/1.1 codec through the connection watch. Run it with {@code -prof
 * gc}: its point is the allocation per update ({@code gc.alloc.rate.norm}), which must grow with
 * the number of subscribers but not with the payload, because every connection writes a view of the
 * update's one direct chunk and copies nothing.
 *
 * <p>Set-up: a real {@link Hub} installed on a real {@link HeraldServer} that is never started; its
 * engine serves {@link #subscribers} connections on Netty {@code EmbeddedChannel}s with the
 * pipeline it builds for an accepted plain connection ({@link EmbeddedConnections}). Each
 * connection sends {@code GET /.well-known/mercure?topic=…} through the HTTP codec, so the hub's
 * route subscribes a real stream, exactly as over a socket. The handler executor is a queue this
 * thread runs, so everything happens on the benchmark thread, deterministically.
 *
 * <p>One operation: publish one update of {@link #payload} bytes of data, run the connections'
 * event-loop tasks and the handler tasks until none is left, then take what each connection wrote
 * from its outbound queue and release it. The operation fails (and with it the run) unless every
 * connection wrote the update once, and all of them the same bytes at the same memory address: one
 * shared buffer, no copy.
 *
 * <p>Differences from a server on sockets, none of which allocates per delivery on the heap: each
 * embedded channel has its own event loop, so the engine schedules one drain task per connection
 * where a real event loop runs one for all its connections; the outbound queue stands for the
 * socket; clocks are frozen (no heartbeat or idle timer fires). The benchmark thread is a {@link
 * FastThreadLocalThread} ({@link EventLoopThreads}), as an event loop's is. The channels allocate
 * from an unpooled heap allocator, so that a copy through the channel's allocator would show in
 * {@code gc.alloc.rate.norm} instead of hiding in a pooled direct arena; the fan-out path allocates
 * no buffer at all, so this changes nothing measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=" + FanOutBenchmark.THREADS})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class FanOutBenchmark {
  private static final String TOPIC = "https://example.com/books/4242";

  /** The executor of JMH's worker threads, named for {@code -Djmh.executor.class}. */
  static final String THREADS = "dev.herald.server.FanOutBenchmark$EventLoopThreads";

  /** Subscribed connections, all on the same topic: the deliveries of one update. */
  @Param({"100", "1000"})
  public int subscribers;

  /** Bytes of data in each update. */
  @Param({"100", "10000"})
  public int payload;

  private final HandlerTasks handlerTasks = new HandlerTasks();
  private final List<EmbeddedChannel> connections = new ArrayList<>();
  private Hub hub;
  private String data;

  /** Subscribes the connections and checks that one update reaches each as the shared chunk. */
  @Setup(Level.Trial)
  public void setUp() {
    if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
      throw new IllegalStateException(
          "not on a FastThreadLocalThread, as Netty's event loops are (Netty recycles its outbound"
              + " entries only there): run with -jvmArgsAppend '-Djmh.executor=CUSTOM"
              + " -Djmh.executor.class="
              + THREADS
              + "'");
    }
    hub = Hub.builder().anonymous(true).build();
    HeraldServer server = hub.install(HeraldServer.builder().port(0)).build();
    EmbeddedConnections factory =
        new EmbeddedConnections(
            server.engine(), handlerTasks, new UnpooledByteBufAllocator(false, true));
    byte[] request =
        ("GET "
                + Hub.PATH
                + "?topic="
                + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8)
                + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < subscribers; i++) {
      EmbeddedChannel channel = factory.open();
      connections.add(channel);
      channel.writeInbound(Unpooled.wrappedBuffer(request));
      settle();
      String head = drainText(channel);
      if (!head.startsWith("HTTP/1.1 200 OK") || !head.contains("text/event-stream")) {
        throw new IllegalStateException("connection " + i + " was answered: " + head);
      }
    }
    if (hub.subscriberCount() != subscribers) {
      throw new IllegalStateException(
          "subscribers: " + hub.subscriberCount() + " (expected: " + subscribers + ")");
    }
    data = "x".repeat(payload);
    checkOneUpdate();
  }

  /** Closes the connections, which ends their streams, and the hub. */
  @TearDown(Level.Trial)
  public void tearDown() {
    for (EmbeddedChannel channel : connections) {
      channel.finishAndReleaseAll();
    }
    settle();
    hub.close();
  }

  /**
   * Publishes one update to every subscriber and collects what each connection wrote; returns the
   * number of connections that wrote it.
   */
  @Benchmark
  public int fanOut() {
    hub.publish(Update.builder(TOPIC).data(data).build());
    settle();
    int delivered = 0;
    long address = 0;
    int size = -1;
    for (EmbeddedChannel channel : connections) {
      ByteBuf chunk = channel.readOutbound();
      if (chunk == null || channel.outboundMessages().peek() != null) {
        throw new IllegalStateException("a connection did not write the update exactly once");
      }
      if (size < 0) {
        size = chunk.readableBytes();
        address = chunk.hasMemoryAddress() ? chunk.memoryAddress() : 0;
      } else if (chunk.readableBytes() != size
          || (chunk.hasMemoryAddress() && chunk.memoryAddress() != address)) {
        throw new IllegalStateException("a connection wrote other bytes than the shared chunk");
      }
      chunk.release();
      delivered++;
    }
    if (delivered != subscribers || size <= payload) {
      throw new IllegalStateException("delivered: " + delivered + " chunks of " + size + " bytes");
    }
    return delivered;
  }

  /**
   * Publishes one update and checks byte for byte that every connection wrote it as one HTTP/1.1
   * chunk, all from the same memory.
   */
  private void checkOneUpdate() {
    Update update = hub.publish(Update.builder(TOPIC).data(data).build());
    settle();
    String frame = "id: " + update.id() + "\ndata: " + data + "\n\n";
    String expected =
        Integer.toHexString(frame.getBytes(StandardCharsets.UTF_8).length)
            + "\r\n"
            + frame
            + "\r\n";
    Long address = null;
    for (EmbeddedChannel channel : connections) {
      ByteBuf chunk = channel.readOutbound();
      if (chunk == null || channel.outboundMessages().peek() != null) {
        throw new IllegalStateException("a connection did not write the update exactly once");
      }
      try {
        String text = chunk.toString(StandardCharsets.UTF_8);
        if (!text.equals(expected)) {
          throw new IllegalStateException("a connection wrote " + text + " (expected: " + expected);
        }
        if (!chunk.isDirect() || !chunk.hasMemoryAddress()) {
          throw new IllegalStateException("the chunk is not a direct buffer: " + chunk);
        }
        if (address == null) {
          address = chunk.memoryAddress();
        } else if (address != chunk.memoryAddress()) {
          throw new IllegalStateException("two connections wrote different buffers");
        }
      } finally {
        chunk.release();
      }
    }
  }

  /** Runs event-loop and handler tasks until none is left (bounded). */
  private void settle() {
    for (int round = 0; round < 1_000; round++) {
      boolean ran = handlerTasks.runAll();
      for (EmbeddedChannel channel : connections) {
        if (channel.hasPendingTasks()) {
          channel.runPendingTasks();
          ran = true;
        }
      }
      if (!ran) {
        return;
      }
    }
    throw new IllegalStateException("tasks still pending after 1000 rounds");
  }

  private static String drainText(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    Object message;
    while ((message = channel.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) message;
      text.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return text.toString();
  }

  /**
   * JMH's worker threads as {@link FastThreadLocalThread}s, like Netty's event loop threads and the
   * server's handler threads: Netty pools some objects (the outbound buffer's entries) only on such
   * threads, so on JMH's plain threads every write would allocate 64 bytes that a server does not.
   */
  public static final class EventLoopThreads extends ThreadPoolExecutor {
    /** Creates the pool as JMH asks: {@code maxThreads} threads named {@code prefix-…}. */
    public EventLoopThreads(int maxThreads, String prefix) {
      super(
          maxThreads,
          maxThreads,
          1,
          TimeUnit.MINUTES,
          new LinkedBlockingQueue<>(),
          new DefaultThreadFactory(prefix, true));
    }
  }

  /** The handler executor: tasks queued by the engine, run by the benchmark thread. */
  static final class HandlerTasks implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    /** Runs the queued tasks and those they queue; returns whether any ran. */
    boolean runAll() {
      boolean ran = false;
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
        ran = true;
      }
      return ran;
    }
  }
}
