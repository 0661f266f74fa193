package io.logpipe.nozzle.fake;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * The RLP gateway's {@code GET /v2/read}, byte for byte as the protocol notes describe it: errors
 * as Go's {@code http.Error} writes them (text/plain, JSON body, trailing newline) with 405 for
 * other methods, 400 {@code empty_query} and {@code missing_envelope_type}, 404 {@code not_found}
 * for any token the fake UAA did not issue or that expired; on success 200 with {@code
 * text/event-stream}, {@code Cache-Control: no-cache}, {@code Connection: keep-alive}, chunked; one
 * {@code data: <EnvelopeBatch JSON>} event per batch (ProtoJSON with unpopulated fields, as the
 * gateway's Go marshaller writes it), {@code event: heartbeat} after a silence, {@code event:
 * closing} after the stream timeout. Subscribers with the same {@code shard_id} split the batches.
 * Over HTTP or HTTPS.
 */
public final class FakeRlpGateway implements AutoCloseable {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  /** One connected stream. */
  public final class Subscriber {
    final Channel channel;
    final String shard;
    final Set<String> types;
    volatile long lastWrite = System.nanoTime();
    ScheduledFuture<?> heartbeat;
    ScheduledFuture<?> timeout;

    Subscriber(Channel channel, String shard, Set<String> types) {
      this.channel = channel;
      this.shard = shard;
      this.types = types;
    }

    void write(byte[] event) {
      lastWrite = System.nanoTime();
      sent.incrementAndGet();
      channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(event)));
    }

    void closing() {
      channel
          .writeAndFlush(
              new DefaultHttpContent(
                  Unpooled.copiedBuffer(
                      "event: closing\ndata: closing due to stream timeout\n\n",
                      StandardCharsets.UTF_8)))
          .addListener(x -> channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }
  }

  private final FakeUaa uaa;
  private final Clock clock;
  private final FakeHttpServer http;
  private final ShardGroups<Subscriber> shards = new ShardGroups<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong sent = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean pumpStop =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Duration heartbeatInterval = Duration.ofSeconds(15);
  private volatile Duration streamTimeout = Duration.ofMinutes(14);

  public FakeRlpGateway(FakeUaa uaa, Clock clock) throws InterruptedException {
    this(uaa, clock, null);
  }

  /**
   * @param tls serve HTTPS with this certificate; null for plain HTTP
   */
  public FakeRlpGateway(FakeUaa uaa, Clock clock, PlatformCertificates.ServerIdentity tls)
      throws InterruptedException {
    this.uaa = uaa;
    this.clock = clock;
    this.http = new FakeHttpServer(tls, Handler::new);
  }

  public URI url() {
    return http.url("http", "https");
  }

  /** True when this host has an IPv6 loopback to serve on. */
  public boolean ipv6() {
    return http.ipv6();
  }

  /** Its URL on IPv6's loopback, {@code [::1]}. */
  public URI url6() {
    return http.url6("http", "https");
  }

  /**
   * Heartbeats after this much silence (the real gateway: 15 s); null for none (a silent server).
   */
  public void heartbeatInterval(Duration d) {
    heartbeatInterval = d;
  }

  /** Streams end with {@code event: closing} after this long (the real default: 14 min). */
  public void streamTimeout(Duration d) {
    streamTimeout = d;
  }

  /** Request lines and Authorization headers seen, as {@code "GET /v2/read?... | bearer ..."}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Connected streams with this shard id. */
  public int subscribers(String shard) {
    return shards.size(shard);
  }

  /** Connected streams. */
  public int subscribers() {
    return shards.all().size();
  }

  /** Events written so far. */
  public long sent() {
    return sent.get();
  }

  /** The ProtoJSON of a batch, as the gateway writes it after {@code data: }. */
  public static String json(LoggregatorEnvelope.EnvelopeBatch batch) {
    try {
      return PRINTER.print(batch);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The SSE event for a batch. */
  public static byte[] event(LoggregatorEnvelope.EnvelopeBatch batch) {
    return ("data: " + json(batch) + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Sends a batch to one subscriber of every shard group whose selectors take its first type. */
  public void publish(LoggregatorEnvelope.Envelope... envelopes) {
    LoggregatorEnvelope.EnvelopeBatch batch =
        LoggregatorEnvelope.EnvelopeBatch.newBuilder().addAllBatch(List.of(envelopes)).build();
    String type = envelopes[0].getMessageCase().name().toLowerCase(java.util.Locale.ROOT);
    byte[] ev = event(batch);
    shards.forEachChosen(s -> s.types.contains(type), s -> s.write(ev));
  }

  /** Sends raw event-stream bytes to one subscriber of every shard group. */
  public void publishRaw(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    shards.forEachChosen(s -> true, s -> s.write(b));
  }

  /** Sends raw bytes to one subscriber of every shard group. */
  public void publishRaw(byte[] b) {
    shards.forEachChosen(s -> true, s -> s.write(b));
  }

  /** Ends every stream now with {@code event: closing}. */
  public void closeAll() {
    for (Subscriber s : shards.all()) {
      s.closing();
    }
  }

  /**
   * Writes the prepared messages (SSE events for the gateway, envelopes for the traffic
   * controller), cycling through them, {@code count} times in all split over the subscribers, as
   * fast as each reads, until {@link #stopPumps()}; for benchmarks. Returns at once.
   */
  public void pump(List<byte[]> messages, long count) {
    pumpStop.set(false);
    List<Subscriber> all = shards.all();
    long each = count / Math.max(1, all.size());
    for (Subscriber s : all) {
      Pump.start(s.channel, messages, each, sent, pumpStop, DefaultHttpContent::new);
    }
  }

  /** Stops the pumps. */
  public void stopPumps() {
    pumpStop.set(true);
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      requests.add(
          req.method()
              + " "
              + req.uri()
              + " | "
              + req.headers().get(HttpHeaderNames.AUTHORIZATION));
      if (!req.method().equals(HttpMethod.GET)) {
        error(
            ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed");
        return;
      }
      QueryStringDecoder q = new QueryStringDecoder(req.uri());
      if (!q.path().equals("/v2/read")) {
        error(ctx, HttpResponseStatus.NOT_FOUND, "not_found", "resource not found");
        return;
      }
      if (!uaa.valid(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
        error(ctx, HttpResponseStatus.NOT_FOUND, "not_found", "resource not found");
        return;
      }
      Map<String, List<String>> params = q.parameters();
      if (params.isEmpty()) {
        error(ctx, HttpResponseStatus.BAD_REQUEST, "empty_query", "query cannot be empty");
        return;
      }
      Set<String> types = new java.util.HashSet<>();
      for (String t : List.of("log", "counter", "gauge", "timer", "event")) {
        if (params.containsKey(t)) {
          types.add(t);
        }
      }
      if (types.isEmpty()) {
        error(
            ctx,
            HttpResponseStatus.BAD_REQUEST,
            "missing_envelope_type",
            "query must provide at least one envelope type");
        return;
      }
      String shard = params.getOrDefault("shard_id", List.of("")).get(0);
      HttpResponse ok = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      ok.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
          .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
          .set(HttpHeaderNames.CONNECTION, "keep-alive");
      HttpUtil.setTransferEncodingChunked(ok, true);
      ctx.writeAndFlush(ok);
      Subscriber s = new Subscriber(ctx.channel(), shard, types);
      shards.add(shard, s);
      ctx.channel().closeFuture().addListener(x -> shards.remove(shard, s));
      s.heartbeat =
          ctx.executor()
              .scheduleAtFixedRate(
                  () -> {
                    Duration hb = heartbeatInterval;
                    if (hb != null && System.nanoTime() - s.lastWrite >= hb.toNanos()) {
                      s.lastWrite = System.nanoTime();
                      ctx.writeAndFlush(
                          new DefaultHttpContent(
                              Unpooled.copiedBuffer(
                                  "event: heartbeat\ndata: "
                                      + clock.instant().getEpochSecond()
                                      + "\n\n",
                                  StandardCharsets.UTF_8)));
                    }
                  },
                  50,
                  50,
                  TimeUnit.MILLISECONDS);
      s.timeout =
          ctx.executor().schedule(s::closing, streamTimeout.toMillis(), TimeUnit.MILLISECONDS);
      ctx.channel()
          .closeFuture()
          .addListener(
              x -> {
                s.heartbeat.cancel(false);
                s.timeout.cancel(false);
              });
    }

    /** As Go's http.Error writes it: text/plain, nosniff, the text and a newline. */
    private void error(
        ChannelHandlerContext ctx, HttpResponseStatus status, String name, String message) {
      ByteBuf body =
          Unpooled.copiedBuffer(
              "{\"error\":\"" + name + "\",\"message\":\"" + message + "\"}\n",
              StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      r.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .set("X-Content-Type-Options", "nosniff")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      ctx.writeAndFlush(r);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
