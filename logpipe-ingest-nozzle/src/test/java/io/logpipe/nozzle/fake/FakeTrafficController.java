package io.logpipe.nozzle.fake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.dropsonde.events.EventFactory;

/**
 * The traffic controller's {@code /firehose/<subscription id>} as the protocol notes describe it:
 * the token from {@code Authorization} (or the {@code authorization} cookie) with the exact prefix
 * {@code bearer } stripped, checked against the fake UAA; refused with 401, {@code
 * WWW-Authenticate: Basic} and {@code You are not authorized. <reason>}; then a WebSocket with one
 * binary message per protobuf envelope, {@code filter-type=logs|metrics} honoured, pings with a
 * pong deadline (close 1008 {@code Client did not respond to ping before keep-alive timeout
 * expired.}), and subscribers with the same id splitting the stream. Over WS or WSS.
 */
public final class FakeTrafficController implements AutoCloseable {
  public static final String KEEPALIVE_REASON =
      "Client did not respond to ping before keep-alive timeout expired.";

  /** One connected firehose. */
  public final class Subscriber {
    final Channel channel;
    final String id;
    final String filter;
    volatile long lastPong = System.nanoTime();
    volatile boolean awaitingPong;
    ScheduledFuture<?> keepAlive;

    Subscriber(Channel channel, String id, String filter) {
      this.channel = channel;
      this.id = id;
      this.filter = filter;
    }

    boolean accepts(EventFactory.Envelope.EventType t) {
      if ("logs".equals(filter)) {
        return t == EventFactory.Envelope.EventType.LogMessage;
      }
      if ("metrics".equals(filter)) {
        return t != EventFactory.Envelope.EventType.LogMessage;
      }
      return true;
    }

    void send(WebSocketFrame f) {
      sent.incrementAndGet();
      channel.writeAndFlush(f);
    }
  }

  private final FakeUaa uaa;
  private final FakeHttpServer http;
  private final ShardGroups<Subscriber> shards = new ShardGroups<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger pongs = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean pumpStop =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Duration pingInterval = Duration.ofSeconds(15);
  private volatile Duration keepAliveTimeout = Duration.ofSeconds(30);

  public FakeTrafficController(FakeUaa uaa) throws InterruptedException {
    this(uaa, null);
  }

  /**
   * @param tls serve WSS with this certificate; null for plain WS
   */
  public FakeTrafficController(FakeUaa uaa, PlatformCertificates.ServerIdentity tls)
      throws InterruptedException {
    this.uaa = uaa;
    this.http = new FakeHttpServer(tls, Handler::new);
  }

  public URI url() {
    return http.url("ws", "wss");
  }

  /** True when this host has an IPv6 loopback to serve on. */
  public boolean ipv6() {
    return http.ipv6();
  }

  /** Its URL on IPv6's loopback, {@code [::1]}. */
  public URI url6() {
    return http.url6("ws", "wss");
  }

  /** The pause after a pong before the next ping (real: 15 s). */
  public void pingInterval(Duration d) {
    pingInterval = d;
  }

  /** How long a ping may go unanswered before close 1008 (real: 30 s). */
  public void keepAliveTimeout(Duration d) {
    keepAliveTimeout = d;
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  public int subscribers(String id) {
    return shards.size(id);
  }

  public int subscribers() {
    return shards.all().size();
  }

  /** Pongs received. */
  public int pongs() {
    return pongs.get();
  }

  public long sent() {
    return sent.get();
  }

  /** Sends an envelope to one subscriber of every subscription id whose filter takes it. */
  public void publish(EventFactory.Envelope e) {
    byte[] b = e.toByteArray();
    shards.forEachChosen(
        s -> s.accepts(e.getEventType()),
        s -> s.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b))));
  }

  /** Sends raw bytes as one binary message to one subscriber of every id. */
  public void publishRaw(byte[] b) {
    shards.forEachChosen(
        s -> true, s -> s.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b))));
  }

  /**
   * Sends bytes as one message split into {@code parts} frames (a binary frame, then
   * continuations).
   */
  public void publishFragmented(byte[] b, int parts) {
    shards.forEachChosen(
        s -> true,
        s -> {
          int step = (b.length + parts - 1) / parts;
          for (int off = 0; off < b.length; off += step) {
            int len = Math.min(step, b.length - off);
            boolean last = off + len >= b.length;
            ByteBuf part = Unpooled.wrappedBuffer(b, off, len);
            s.channel.write(
                off == 0
                    ? new BinaryWebSocketFrame(last, 0, part)
                    : new ContinuationWebSocketFrame(last, 0, part));
          }
          sent.incrementAndGet();
          s.channel.flush();
        });
  }

  /** Closes every firehose with a close frame. */
  public void closeAll(int code, String reason) {
    for (Subscriber s : shards.all()) {
      s.channel
          .writeAndFlush(new CloseWebSocketFrame(code, reason))
          .addListener(x -> s.channel.close());
    }
  }

  /**
   * Writes the prepared envelopes as binary messages, cycling through them, {@code count} times in
   * all split over the subscribers, as fast as each reads, until {@link #stopPumps()}; for
   * benchmarks. Returns at once.
   */
  public void pump(List<byte[]> messages, long count) {
    pumpStop.set(false);
    List<Subscriber> all = shards.all();
    long each = count / Math.max(1, all.size());
    for (Subscriber s : all) {
      Pump.start(s.channel, messages, each, sent, pumpStop, BinaryWebSocketFrame::new);
    }
  }

  /** Stops the pumps. */
  public void stopPumps() {
    pumpStop.set(true);
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    private WebSocketServerHandshaker handshaker;
    private Subscriber subscriber;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest req) {
        upgrade(ctx, req);
      } else if (msg instanceof PongWebSocketFrame) {
        pongs.incrementAndGet();
        Subscriber s = subscriber;
        if (s != null) {
          s.awaitingPong = false;
          s.lastPong = System.nanoTime();
          ctx.executor()
              .schedule(() -> ping(ctx, s), pingInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
      } else if (msg instanceof CloseWebSocketFrame c) {
        handshaker.close(ctx.channel(), c.retain());
      }
      // The traffic controller reads only to notice the client closing.
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
      String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
      if (auth == null) {
        String cookies = req.headers().get(HttpHeaderNames.COOKIE);
        if (cookies != null) {
          for (Cookie c : ServerCookieDecoder.LAX.decode(cookies)) {
            if (c.name().equals("authorization")) {
              auth = URLDecoder.decode(c.value(), StandardCharsets.UTF_8);
            }
          }
        }
      }
      requests.add(req.method() + " " + req.uri() + " | " + auth);
      QueryStringDecoder q = new QueryStringDecoder(req.uri());
      if (!q.path().startsWith("/firehose/") || q.path().length() <= "/firehose/".length()) {
        plain(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found");
        return;
      }
      if (auth == null || auth.isEmpty()) {
        unauthorized(ctx, "authorization not provided");
        return;
      }
      String token = auth.startsWith("bearer ") ? auth.substring("bearer ".length()) : auth;
      if (!uaa.valid("bearer " + token)) {
        unauthorized(ctx, "invalid authorization");
        return;
      }
      String id =
          URLDecoder.decode(q.path().substring("/firehose/".length()), StandardCharsets.UTF_8);
      String filter = q.parameters().getOrDefault("filter-type", List.of("")).get(0);
      handshaker =
          new WebSocketServerHandshakerFactory(
                  (http.secure() ? "wss://" : "ws://")
                      + req.headers().get(HttpHeaderNames.HOST)
                      + req.uri(),
                  null,
                  false,
                  10 * 1024 * 1024)
              .newHandshaker(req);
      if (handshaker == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        return;
      }
      handshaker
          .handshake(ctx.channel(), req)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  return;
                }
                Subscriber s = new Subscriber(ctx.channel(), id, filter);
                subscriber = s;
                shards.add(id, s);
                ctx.channel().closeFuture().addListener(x -> shards.remove(id, s));
                ctx.executor().execute(() -> ping(ctx, s));
              });
    }

    private void ping(ChannelHandlerContext ctx, Subscriber s) {
      if (!ctx.channel().isActive()) {
        return;
      }
      s.awaitingPong = true;
      long pingedAt = System.nanoTime();
      ctx.writeAndFlush(
          new PingWebSocketFrame(Unpooled.copiedBuffer("keep-alive", StandardCharsets.US_ASCII)));
      ctx.executor()
          .schedule(
              () -> {
                if (s.awaitingPong && s.lastPong < pingedAt && ctx.channel().isActive()) {
                  ctx.writeAndFlush(new CloseWebSocketFrame(1008, KEEPALIVE_REASON))
                      .addListener(x -> ctx.close());
                }
              },
              keepAliveTimeout.toMillis(),
              TimeUnit.MILLISECONDS);
    }

    private void unauthorized(ChannelHandlerContext ctx, String reason) {
      FullHttpResponse r =
          text(HttpResponseStatus.UNAUTHORIZED, "You are not authorized. " + reason);
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic");
      ctx.writeAndFlush(r);
    }

    private void plain(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
      ctx.writeAndFlush(text(status, body));
    }

    private FullHttpResponse text(HttpResponseStatus status, String body) {
      ByteBuf b = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, b);
      r.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, b.readableBytes());
      return r;
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
