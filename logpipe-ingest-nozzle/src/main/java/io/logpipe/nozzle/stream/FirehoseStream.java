package io.logpipe.nozzle.stream;

import io.logpipe.nozzle.envelope.DecodeException;
import io.logpipe.nozzle.envelope.DropsondeDecoder;
import io.logpipe.nozzle.envelope.EnvelopeType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The v1 stream: a WebSocket to the traffic controller's {@code /firehose/<subscription id>}, one
 * binary message per protobuf dropsonde envelope. Messages are decoded only when complete
 * (continuation frames are joined, up to {@code max_message_size}); pings are answered at once on
 * the network thread (the traffic controller closes with 1008 after 30 s without a pong); a close
 * frame ends the stream with its code (1000 is how the traffic controller drops a consumer that
 * read too slowly). A 401 on the upgrade renews the token.
 */
public final class FirehoseStream extends LogStream {
  private static final Logger log = LoggerFactory.getLogger(FirehoseStream.class);

  private final URI wsUri;
  private final int maxMessageBytes;
  private final DropsondeDecoder decoder = new DropsondeDecoder();

  public FirehoseStream(
      String name,
      URI url,
      String subscriptionId,
      Set<EnvelopeType> types,
      int maxMessageBytes,
      StreamContext context) {
    super(name, url, context);
    this.wsUri = firehoseUri(url, subscriptionId, types);
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * {@code <url>/firehose/<subscription id>}, with {@code ?filter-type=logs} when only logs are
   * wanted and {@code ?filter-type=metrics} when no logs are (the traffic controller then sends
   * less).
   */
  static URI firehoseUri(URI url, String subscriptionId, Set<EnvelopeType> types) {
    String base = url.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String filter = "";
    if (types.equals(Set.of(EnvelopeType.LOG))) {
      filter = "?filter-type=logs";
    } else if (!types.contains(EnvelopeType.LOG)) {
      filter = "?filter-type=metrics";
    }
    return URI.create(
        base
            + "/firehose/"
            + URLEncoder.encode(subscriptionId, StandardCharsets.UTF_8).replace("+", "%20")
            + filter);
  }

  /** The WebSocket URI (for logs and tests). */
  public URI webSocketUri() {
    return wsUri;
  }

  @Override
  protected void initChannel(SocketChannel ch, Attempt attempt) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.AUTHORIZATION, attempt.authorization);
    headers.set(HttpHeaderNames.USER_AGENT, "logpipe-nozzle");
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            wsUri, WebSocketVersion.V13, null, false, headers, maxMessageBytes);
    ch.pipeline()
        .addLast(new HttpClientCodec())
        .addLast(new HttpObjectAggregator(64 * 1024))
        .addLast(new WebSocketFrameAggregator(maxMessageBytes))
        .addLast(new IdleStateHandler(readTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast(new Handler(attempt, handshaker));
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    private final Attempt attempt;
    private final WebSocketClientHandshaker handshaker;

    Handler(Attempt attempt, WebSocketClientHandshaker handshaker) {
      this.attempt = attempt;
      this.handshaker = handshaker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      handshaker.handshake(ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (!handshaker.isHandshakeComplete()) {
          if (msg instanceof FullHttpResponse r) {
            upgrade(ctx, r);
          }
          return;
        }
        if (msg instanceof BinaryWebSocketFrame f) {
          envelope(f.content());
        } else if (msg instanceof PingWebSocketFrame p) {
          metrics.keepAlive("ping");
          ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
        } else if (msg instanceof CloseWebSocketFrame c) {
          int code = c.statusCode();
          String reason = c.reasonText();
          attempt.end("close_" + (code < 0 ? "none" : code), code + " " + reason);
          if (code == 1000) {
            log.warn(
                "the traffic controller closed the firehose (1000); it does so to consumers that"
                    + " read too slowly");
          }
          ctx.writeAndFlush(new CloseWebSocketFrame(code < 0 ? 1000 : code, ""))
              .addListener(x -> ctx.close());
        } else if (msg instanceof TextWebSocketFrame t) {
          byte[] raw = ByteBufUtil.getBytes(t.content());
          listener.undecodable(
              "text_frame", "text message where binary envelopes belong", raw, 0, raw.length, name);
        }
        // Pong frames need nothing.
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpResponse r) {
      int status = r.status().code();
      if (status == 101) {
        try {
          handshaker.finishHandshake(ctx.channel(), r);
          attempt.streaming();
        } catch (RuntimeException e) {
          attempt.end("handshake", e.getMessage());
          ctx.close();
        }
        return;
      }
      String body = r.content().toString(StandardCharsets.UTF_8).trim();
      if (body.length() > 1024) {
        body = body.substring(0, 1024);
      }
      if (status == 401 || status == 403) {
        attempt.tokenRefused();
        attempt.end("auth", "HTTP " + status + " " + body);
      } else {
        attempt.end("http_" + status, "HTTP " + status + " " + body);
      }
      ctx.close();
    }

    private void envelope(ByteBuf content) {
      try {
        listener.envelope(decoder.decode(content.nioBuffer()), listener.now());
      } catch (DecodeException e) {
        byte[] raw =
            ByteBufUtil.getBytes(
                content, content.readerIndex(), Math.min(content.readableBytes(), 16 * 1024));
        listener.undecodable("protobuf", e.getMessage(), raw, 0, content.readableBytes(), name);
      }
    }
  }

  static List<String> closeReasons() {
    return List.of("close_1000", "close_1008");
  }
}
