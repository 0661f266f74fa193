package io.logpipe.nozzle.stream;

import io.logpipe.nozzle.NozzleMetrics;
import io.logpipe.nozzle.platform.PlatformTls;
import io.logpipe.nozzle.platform.TokenException;
import io.logpipe.nozzle.platform.TokenSource;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the platform's log stream that stays connected: it connects, streams until the
 * stream ends for any reason (the server's {@code closing}, end of stream, a close frame, silence
 * longer than the read timeout, an error), counts the reason and connects again, after a backoff
 * with jitter that grows while attempts fail and starts over once a stream runs. A refused token is
 * reported to the token source, so the next attempt gets a new one.
 *
 * <p>Threading: connection attempts (which may wait for a token) run on the shared connector
 * thread; the stream is read on a Netty event loop, which hands everything to the {@link
 * StreamListener} and never waits. Lifecycle: {@link #start()}, {@link #close()}; thread-safe.
 */
public abstract class LogStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogStream.class);

  /** What one connection attempt learned; set once by its handler. */
  protected final class Attempt {
    final String authorization;
    volatile String reason;
    volatile String detail;
    volatile boolean streaming;

    Attempt(String authorization) {
      this.authorization = authorization;
    }

    /** The stream reached the state where envelopes flow. */
    public void streaming() {
      if (!streaming) {
        streaming = true;
        connectedStreams.incrementAndGet();
        onStreaming(this);
      }
    }

    /** Records why the stream ends (the first reason wins); the caller closes the channel. */
    public void end(String why, String what) {
      if (reason == null) {
        reason = why;
        detail = what;
      }
    }

    /** The token was refused: the next attempt asks for a new one. */
    public void tokenRefused() {
      tokens.invalidate(authorization);
    }
  }

  protected final String name;
  protected final URI url;
  protected final StreamListener listener;
  protected final NozzleMetrics metrics;
  private final EventLoopGroup group;
  private final ScheduledExecutorService connector;
  private final TokenSource tokens;
  private final SslContext ssl;
  private final Duration connectTimeout;
  protected final Duration readTimeout;
  private final Backoff backoff;
  private final AtomicInteger connectedStreams;
  private int failures;
  private volatile boolean closed;
  private volatile Channel channel;
  private long lastFailureLog;

  /**
   * @param name names the connection in logs and dead letters, such as {@code v2#1}
   * @param url the endpoint (its scheme decides TLS)
   * @param context what the nozzle's streams share
   */
  protected LogStream(String name, URI url, StreamContext context) {
    this.name = name;
    this.url = url;
    this.listener = context.listener();
    this.metrics = context.metrics();
    this.group = context.group();
    this.connector = context.connector();
    this.tokens = context.tokens();
    this.ssl = context.ssl();
    this.connectTimeout = context.connectTimeout();
    this.readTimeout = context.readTimeout();
    this.backoff = context.backoff();
    this.connectedStreams = context.connectedStreams();
  }

  /** Connects (in the background); the stream then keeps itself connected until {@link #close}. */
  public void start() {
    schedule(Duration.ZERO);
  }

  /** True if TLS is used ({@code https}, {@code wss}). */
  protected boolean secure() {
    String s = url.getScheme().toLowerCase(Locale.ROOT);
    return s.equals("https") || s.equals("wss");
  }

  protected int port() {
    return url.getPort() > 0 ? url.getPort() : secure() ? 443 : 80;
  }

  /**
   * Adds the protocol's handlers after TLS (if any), its {@code IdleStateHandler} among them; a
   * handler that ends the attempt on idleness, a failed handshake or an error comes after them.
   */
  protected abstract void initChannel(SocketChannel ch, Attempt attempt);

  /** Called once an attempt's stream flows. */
  protected void onStreaming(Attempt attempt) {
    onConnector(
        () -> {
          if (failures > 0) {
            log.info("{} streaming again from {} after {} failed attempts", name, url, failures);
          } else {
            log.debug("{} streaming from {}", name, url);
          }
          failures = 0;
        });
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    try {
      connector.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Shutting down.
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    String auth;
    try {
      auth = tokens.authorization();
    } catch (TokenException e) {
      retry("token", e.getMessage(), false);
      return;
    } catch (RuntimeException e) {
      retry("token", e.toString(), false);
      return;
    }
    Attempt attempt = new Attempt(auth);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            // Heap buffers: the parsers read byte arrays.
            .option(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(false))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (ssl != null && secure()) {
                      SslHandler tls = ssl.newHandler(ch.alloc(), url.getHost(), port());
                      // connect_timeout bounds the TLS handshake too (Netty's default is 10 s).
                      tls.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                      ch.pipeline().addLast(tls);
                    }
                    LogStream.this.initChannel(ch, attempt);
                    ch.pipeline().addLast(new StreamEnd(attempt, readTimeout));
                  }
                });
    ChannelFuture f;
    try {
      f = b.connect(url.getHost(), port());
    } catch (RuntimeException e) {
      retry("connect_failed", e.toString(), false);
      return;
    }
    f.addListener(
        (ChannelFuture cf) -> {
          if (!cf.isSuccess()) {
            onConnector(() -> retry("connect_failed", String.valueOf(cf.cause()), false));
            return;
          }
          channel = cf.channel();
          if (closed) {
            channel.close();
          }
          channel.closeFuture().addListener(x -> ended(attempt));
        });
  }

  /**
   * Last in every stream's pipeline: ends the attempt, with its reason, when the TLS handshake
   * failed ({@code tls}, with what to check; the protocol handlers would only see a decoder error),
   * nothing came for the read timeout ({@code idle_timeout}, from the protocol's {@code
   * IdleStateHandler}) or an exception reached it ({@code error}). Nothing escapes the connection.
   */
  private static final class StreamEnd extends ChannelInboundHandlerAdapter {
    private final Attempt attempt;
    private final Duration readTimeout;

    StreamEnd(Attempt attempt, Duration readTimeout) {
      this.attempt = attempt;
      this.readTimeout = readTimeout;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
        String problem = PlatformTls.problem(e.cause());
        attempt.end("tls", problem != null ? problem : String.valueOf(e.cause()));
      } else if (evt instanceof IdleStateEvent) {
        attempt.end("idle_timeout", "nothing received for " + readTimeout.toMillis() + " ms");
        ctx.close();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      attempt.end("error", cause.toString());
      ctx.close();
    }
  }

  private void ended(Attempt attempt) {
    channel = null;
    if (attempt.streaming) {
      connectedStreams.decrementAndGet();
    }
    if (closed) {
      return;
    }
    String reason = attempt.reason != null ? attempt.reason : "eof";
    onConnector(() -> retry(reason, attempt.detail, attempt.streaming));
  }

  /** Runs on the connector thread, which owns the attempt counters. */
  private void onConnector(Runnable r) {
    try {
      connector.execute(r);
    } catch (RejectedExecutionException e) {
      // Shutting down.
    }
  }

  private void retry(String reason, String detail, boolean wasStreaming) {
    metrics.reconnect(reason);
    Duration delay;
    if (wasStreaming) {
      // A stream that ran: connect again at once (the gateway closes streams every few minutes
      // by design), with a small jitter.
      delay = reason.equals("closing") ? Duration.ZERO : backoff.delay(1, random());
    } else {
      failures++;
      delay = backoff.delay(failures, random());
      long now = System.nanoTime();
      if (failures == 1 || now - lastFailureLog > 60_000_000_000L) {
        lastFailureLog = now;
        log.warn(
            "{} could not stream from {} ({}{}); attempt {} failed, next in {} ms",
            name,
            url,
            reason,
            detail == null ? "" : ": " + detail,
            failures,
            delay.toMillis());
      }
    }
    if (wasStreaming && !reason.equals("closing")) {
      log.info(
          "{} stream ended ({}{}); connecting again",
          name,
          reason,
          detail == null ? "" : ": " + detail);
    }
    schedule(delay);
  }

  private static double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  /** Stops: no more attempts, the stream is closed. */
  @Override
  public void close() {
    closed = true;
    Channel c = channel;
    if (c != null) {
      c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
