package io.logpipe.syslog;

import io.logpipe.core.config.Durations;
import io.logpipe.core.config.HostPort;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.pipeline.RetryingPublisher;
import io.logpipe.core.syslog.SyslogParser;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.PreferHeapByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The syslog listeners: UDP (RFC 5426), TCP (RFC 6587) and TLS (RFC 5425), each enabled in {@link
 * SyslogSettings}. Every message becomes a {@link io.logpipe.core.record.LogRecord} (parsed by
 * {@link SyslogParser}, framed on streams by {@link io.logpipe.core.syslog.SyslogFramer}) handed to
 * the {@link RecordPublisher}.
 *
 * <p>Delivery: TCP and TLS stop reading a connection while the publisher has no capacity, and retry
 * a record Kafka did not acknowledge until it is delivered (a {@link RetryingPublisher}), so while
 * logpipe runs nothing sent over them is dropped; records refused for good go to the dead-letter
 * topic. UDP drops and counts what arrives while there is no capacity, and what Kafka did not
 * acknowledge.
 *
 * <p>Lifecycle:
 *
 * <ol>
 *   <li>Construct: meters are registered.
 *   <li>{@link #start()}: binds every enabled listener (port 0 picks a free port) and returns the
 *       bound addresses. If one cannot bind, those already bound are closed and an {@link
 *       IllegalStateException} names the address and the key.
 *   <li>{@link #close(Duration)}: (1) stop accepting connections and datagrams; (2) stop reading
 *       every connection (a partial frame is not a message); (3) wait, up to the grace period,
 *       until every record read so far is delivered or failed, retries included; (4) stop retrying:
 *       records still waiting are counted as {@code drops{reason=shutdown}}; (5) close the
 *       connections and the threads. Closing a server that never started does nothing. The
 *       publisher is not closed: its owner flushes it after this.
 * </ol>
 *
 * <p>Threading: {@code start} and {@code close} from one thread; connections run on Netty event
 * loops; no method blocks an event loop.
 */
public final class SyslogServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyslogServer.class);

  /** Where the listeners are bound; null for a listener that is not enabled. */
  public record Addresses(InetSocketAddress udp, InetSocketAddress tcp, InetSocketAddress tls) {}

  private final SyslogSettings settings;
  private final RecordPublisher publisher;
  private final MeterRegistry registry;
  private final Clock clock;
  private final SyslogParser parser;
  private final AtomicInteger openConnections = new AtomicInteger();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<ListenerContext> listeners = new ArrayList<>();
  private final List<Channel> serverChannels = new ArrayList<>();
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ScheduledThreadPoolExecutor retryScheduler;
  private Addresses addresses;
  private KernelUdpDrops kernelDrops;
  private boolean closed;

  /**
   * @param settings the listeners and limits
   * @param datacenter stamped on every record; null for none
   * @param publisher where records go; shared with other ingest paths
   * @param registry where the meters are registered
   * @param clock gives observed times
   */
  public SyslogServer(
      SyslogSettings settings,
      String datacenter,
      RecordPublisher publisher,
      MeterRegistry registry,
      Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.parser =
        new SyslogParser(
            new SyslogParser.Options(
                clock,
                settings.defaultTimeZone(),
                datacenter,
                settings.maxMessageSize().bytesAsInt()));
  }

  /**
   * Binds every enabled listener.
   *
   * @return the bound addresses
   * @throws IllegalStateException if a listener cannot bind (with the address and the key) or TLS
   *     cannot be set up
   */
  public synchronized Addresses start() {
    if (addresses != null) {
      return addresses;
    }
    boss =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("logpipe-syslog-accept", true), NioIoHandler.newFactory());
    workers =
        new MultiThreadIoEventLoopGroup(
            settings.networkThreads(),
            new DefaultThreadFactory("logpipe-syslog", true),
            NioIoHandler.newFactory());
    retryScheduler =
        new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("logpipe-syslog-retry", true));
    retryScheduler.setRemoveOnCancelPolicy(true);
    try {
      InetSocketAddress udp = settings.udp().enabled() ? startUdp() : null;
      InetSocketAddress tcp =
          settings.tcp().enabled() ? startStream("tcp", settings.tcp().listen(), null) : null;
      InetSocketAddress tls =
          settings.tls().enabled()
              ? startStream("tls", settings.tls().listen(), tlsContext())
              : null;
      addresses = new Addresses(udp, tcp, tls);
    } catch (RuntimeException e) {
      stopThreads();
      throw e;
    }
    log.info(
        "syslog listening: UDP {}, TCP {}, TLS {} (max message {}, max connections {}, idle"
            + " timeout {})",
        describe(addresses.udp()),
        describe(addresses.tcp()),
        describe(addresses.tls()),
        settings.maxMessageSize(),
        settings.maxConnections(),
        Durations.format(settings.idleTimeout()));
    return addresses;
  }

  private SslContext tlsContext() {
    try {
      return TlsContexts.server(settings.tls());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot set up syslog over TLS (syslog.tls): " + e.getMessage(), e);
    }
  }

  private static String describe(InetSocketAddress a) {
    return a == null ? "off" : a.getHostString() + ":" + a.getPort();
  }

  /** The bound addresses, after {@link #start()}. */
  public synchronized Addresses addresses() {
    return addresses;
  }

  private ListenerContext listener(String name, boolean retries) {
    ListenerMetrics metrics = new ListenerMetrics(name, !name.equals("udp"), registry);
    String source = "syslog-" + name;
    RetryingPublisher.Scheduler scheduler =
        (task, delay) -> retryScheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    RetryingPublisher rp =
        retries
            ? new RetryingPublisher(
                publisher,
                scheduler,
                clock,
                new RetryingPublisher.Backoff(
                    settings.retryBackoff(), settings.retryMaxBackoff(), 0.2),
                source)
            : RetryingPublisher.withoutRetries(publisher, scheduler, clock, source);
    if (retries) {
      FunctionCounter.builder("logpipe.syslog.retries", rp, RetryingPublisher::retried)
          .description("Records sent to Kafka again after it did not acknowledge them")
          .tag("listener", name)
          .register(registry);
      Gauge.builder("logpipe.syslog.retry.waiting", rp, RetryingPublisher::waiting)
          .description("Records waiting for their next retry (intake is paused meanwhile)")
          .tag("listener", name)
          .register(registry);
    }
    FunctionCounter.builder(
            "logpipe.syslog.dead.letter.failures", rp, RetryingPublisher::deadLetterFailures)
        .description("Records refused by Kafka whose dead letter could not be written either")
        .tag("listener", name)
        .register(registry);
    ListenerContext lc =
        new ListenerContext(name, parser, rp, retries, metrics, settings.framerOptions(), clock);
    listeners.add(lc);
    return lc;
  }

  private InetSocketAddress startUdp() {
    ListenerContext lc = listener("udp", false);
    int maxMessage = settings.maxMessageSize().bytesAsInt();
    // One byte more than the limit, so that a longer datagram shows itself; no IPv4 datagram is
    // longer than 65,507 bytes.
    int bufferSize = (int) Math.min(maxMessage + 1L, 65_536);
    Bootstrap b =
        new Bootstrap()
            .group(workers)
            .channel(NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, settings.udp().receiveBuffer().bytesAsInt())
            .option(ChannelOption.ALLOCATOR, allocator())
            .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(bufferSize))
            .handler(new SyslogDatagramHandler(lc, maxMessage));
    Channel ch = bind(b, settings.udp().listen(), "syslog.udp.listen");
    InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
    int granted = ((DatagramChannelConfig) ch.config()).getReceiveBufferSize();
    // Linux reports twice the size it was asked for (the other half is its bookkeeping).
    if (granted < settings.udp().receiveBuffer().bytes()) {
      log.warn(
          "UDP receive buffer: asked for {} (syslog.udp.receive_buffer), the kernel gave {} bytes;"
              + " bursts may be dropped (counted). Raise net.core.rmem_max to allow more.",
          settings.udp().receiveBuffer(),
          granted);
    }
    kernelDrops = KernelUdpDrops.forSocket(bound);
    if (kernelDrops != null) {
      // The server holds the state: Micrometer holds it only weakly.
      FunctionCounter.builder("logpipe.syslog.drops", kernelDrops, KernelUdpDrops::count)
          .description("Messages that did not reach Kafka, by reason")
          .tag("listener", "udp")
          .tag("reason", "kernel_buffer")
          .register(registry);
    }
    return bound;
  }

  private InetSocketAddress startStream(String name, HostPort listen, SslContext ssl) {
    ListenerContext lc = listener(name, true);
    long idleMillis = settings.idleTimeout().toMillis();
    int readMax = settings.connectionBuffer().bytesAsInt();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.ALLOCATOR, allocator())
            .childOption(
                ChannelOption.RECVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(64, Math.min(2048, readMax), readMax))
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (lc.stopping()) {
                      ch.close();
                      return;
                    }
                    if (openConnections.incrementAndGet() > settings.maxConnections()) {
                      openConnections.decrementAndGet();
                      lc.metrics.refused.increment();
                      ch.close();
                      return;
                    }
                    lc.metrics.opened.increment();
                    lc.metrics.connections.incrementAndGet();
                    ch.closeFuture()
                        .addListener(
                            f -> {
                              openConnections.decrementAndGet();
                              lc.metrics.connections.decrementAndGet();
                            });
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(
                            "idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
                    if (ssl != null) {
                      ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                    }
                    ch.pipeline().addLast("syslog", new SyslogStreamHandler(lc));
                  }
                });
    Channel ch = bind(b, listen, "syslog." + name + ".listen");
    return (InetSocketAddress) ch.localAddress();
  }

  /**
   * Heap buffers: the framer and parser work on byte arrays, so a heap read buffer is handed to
   * them without a copy (the JDK copies from its own direct buffer once either way).
   */
  private static ByteBufAllocator allocator() {
    return new PreferHeapByteBufAllocator(ByteBufAllocator.DEFAULT);
  }

  private Channel bind(AbstractBootstrap<?, ?> b, HostPort at, String key) {
    // Not sync(): it rethrows the checked BindException undeclared.
    ChannelFuture f = b.bind(at.host(), at.port()).awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      throw new IllegalStateException(
          "cannot listen on "
              + at
              + " ("
              + key
              + "): "
              + (cause == null ? "unknown error" : cause.getMessage())
              + ". Is another syslog daemon or logpipe running? Stop it or choose another port.",
          cause);
    }
    serverChannels.add(f.channel());
    return f.channel();
  }

  /** Stops as described in the class documentation. */
  public void close(Duration grace) {
    synchronized (this) {
      if (closed || boss == null) {
        closed = true;
        return;
      }
      closed = true;
    }
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> drained = new ArrayList<>();
    for (ListenerContext lc : listeners) {
      drained.add(lc.stop());
    }
    for (Channel ch : serverChannels) {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    for (Channel ch : connections) {
      ch.eventLoop()
          .execute(
              () -> {
                SyslogStreamHandler h = ch.pipeline().get(SyslogStreamHandler.class);
                if (h != null) {
                  h.stopReading();
                }
              });
    }
    try {
      CompletableFuture.allOf(drained.toArray(new CompletableFuture<?>[0]))
          .get(grace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      long inFlight = listeners.stream().mapToLong(l -> l.metrics.inFlight()).sum();
      log.warn(
          "syslog: {} records not acknowledged by Kafka within the grace period {}; they are"
              + " counted as dropped (reason shutdown) unless Kafka acknowledges them while the"
              + " publisher flushes",
          inFlight,
          Durations.format(grace));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("syslog: waiting for records in flight failed", e);
    }
    for (ListenerContext lc : listeners) {
      lc.publisher.close();
    }
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    stopThreads();
    log.info("syslog listeners stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  private void stopThreads() {
    for (Channel ch : serverChannels) {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (retryScheduler != null) {
      retryScheduler.shutdownNow();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
