package io.logpipe.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * logpipe's HTTP/1.1 server. Roles register endpoints by method and path before {@link #start}; the
 * server adds the limits every endpoint needs: a request size cap with a clear 413 (checked after
 * decompression, so a gzip bomb is bounded too), a connection cap, an idle timeout for connections
 * with no request in progress, and per-request metrics.
 *
 * <p>Lifecycle: construct, {@link #route}, {@link #start}, {@link #close}. Close stops accepting,
 * lets requests in progress finish for up to the grace period, then closes every connection.
 * Thread-safe after start.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final AttributeKey<AtomicInteger> IN_PROGRESS =
      AttributeKey.valueOf("logpipe.inProgress");

  private final HttpSettings settings;
  private final MeterRegistry registry;
  private final Map<String, Map<HttpMethod, HttpEndpoint>> routes = new LinkedHashMap<>();
  private final List<HttpApi> apis = new ArrayList<>();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger requestsInProgress = new AtomicInteger();
  private final Counter refused;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel serverChannel;

  public HttpServer(HttpSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
    this.refused =
        Counter.builder("logpipe.http.connections.refused")
            .description("Connections closed at once because max_connections were open")
            .register(registry);
    Gauge.builder("logpipe.http.connections", channels, ChannelGroup::size)
        .description("Open HTTP connections")
        .register(registry);
  }

  /** Registers an endpoint; call before {@link #start}. */
  public synchronized HttpServer route(HttpMethod method, String path, HttpEndpoint endpoint) {
    if (serverChannel != null) {
      throw new IllegalStateException("routes are fixed once the server runs");
    }
    routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, endpoint);
    return this;
  }

  /** Adds the routes of another module's API; call before {@link #start}. */
  public synchronized HttpServer mount(HttpApi api) {
    if (serverChannel != null) {
      throw new IllegalStateException("routes are fixed once the server runs");
    }
    api.register(this);
    apis.add(api);
    return this;
  }

  /**
   * Binds and starts serving.
   *
   * @return the bound address (useful with port 0)
   */
  public synchronized InetSocketAddress start() {
    boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (channels.size() >= settings.maxConnections()) {
                      refused.increment();
                      ch.close();
                      return;
                    }
                    channels.add(ch);
                    ch.attr(IN_PROGRESS).set(new AtomicInteger());
                    long idle = settings.idleTimeout().toMillis();
                    ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                        .addLast(new HttpServerCodec())
                        .addLast(new RequestTracker())
                        .addLast(new HttpContentDecompressor(0))
                        .addLast(new LimitedAggregator(settings.maxRequestSize().bytesAsInt()))
                        .addLast(new Router());
                  }
                });
    // Not syncUninterruptibly(): it rethrows the checked BindException undeclared, past a catch.
    ChannelFuture bind =
        b.bind(settings.listen().host(), settings.listen().port()).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Throwable e = bind.cause();
      throw new IllegalStateException(
          "cannot listen on "
              + settings.listen()
              + " (http.listen): "
              + (e == null ? "unknown error" : e.getMessage())
              + ". Is another logpipe running? Stop it or choose another port.",
          e);
    }
    serverChannel = bind.channel();
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    log.info(
        "HTTP server listening on {}:{} ({} routes)",
        bound.getHostString(),
        bound.getPort(),
        routes.size());
    return bound;
  }

  /** The bound address, after {@link #start}. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Stops accepting connections, waits up to {@code grace} for requests in progress, then closes
   * every connection.
   */
  public void close(Duration grace) {
    synchronized (this) {
      if (serverChannel == null) {
        return;
      }
      serverChannel.close().syncUninterruptibly();
    }
    for (HttpApi api : apis) {
      try {
        api.stopStreams();
      } catch (RuntimeException e) {
        log.warn("error while ending the streams of {}", api, e);
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (requestsInProgress.get() > 0 && System.nanoTime() < deadline) {
      // Requests finish on other threads; poll briefly rather than hold a lock they need.
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (requestsInProgress.get() > 0) {
      log.warn("closing HTTP server with {} requests still in progress", requestsInProgress.get());
    }
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    log.info("HTTP server stopped");
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /** Counts requests in progress per connection and in all, by watching requests and responses. */
  private final class RequestTracker extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof HttpMessage) {
        ctx.channel().attr(IN_PROGRESS).get().incrementAndGet();
        requestsInProgress.incrementAndGet();
      }
      super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      boolean ends =
          msg instanceof LastHttpContent
              || (msg instanceof HttpResponse
                  && msg instanceof HttpContent
                  && !HttpResponseStatus.CONTINUE.equals(((HttpResponse) msg).status()));
      if (ends) {
        promise.addListener(
            f -> {
              ctx.channel().attr(IN_PROGRESS).get().decrementAndGet();
              requestsInProgress.decrementAndGet();
            });
      }
      super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      // Requests whose connection went away before a response are no longer in progress.
      int open = ctx.channel().attr(IN_PROGRESS).get().getAndSet(0);
      if (open > 0) {
        requestsInProgress.addAndGet(-open);
      }
      super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent
          && ((IdleStateEvent) evt).state() == IdleState.ALL_IDLE
          && ctx.channel().attr(IN_PROGRESS).get().get() == 0) {
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }
  }

  /** Aggregates a request body up to the size limit; a larger body gets a 413 that says so. */
  private final class LimitedAggregator extends HttpObjectAggregator {
    LimitedAggregator(int maxContentLength) {
      super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      Counter.builder("logpipe.http.requests.too.large")
          .description("Requests refused with 413 because the body exceeded http.max_request_size")
          .register(registry)
          .increment();
      // The rest of the body is not read; the connection cannot be reused.
      Responses.error(
          ctx,
          false,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "request body exceeds "
              + settings.maxRequestSize()
              + " (http.max_request_size); nothing was accepted: split it into smaller requests");
    }
  }

  /** Finds the endpoint for a request and times it. */
  private final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (!request.decoderResult().isSuccess()) {
        Responses.error(ctx, false, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      Map<HttpMethod, HttpEndpoint> byMethod = routes.get(path);
      if (byMethod == null) {
        Responses.error(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path);
        return;
      }
      HttpEndpoint endpoint = byMethod.get(request.method());
      if (endpoint == null) {
        Responses.error(
            ctx,
            keepAlive,
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            path + " takes " + byMethod.keySet() + ", not " + request.method());
        return;
      }
      try {
        endpoint.handle(ctx, request);
      } catch (RuntimeException e) {
        log.warn("endpoint {} {} failed", request.method(), path, e);
        Responses.error(
            ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset by the peer and the like: nothing to answer, the connection is gone.
      log.debug("HTTP connection error from {}", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }
}
