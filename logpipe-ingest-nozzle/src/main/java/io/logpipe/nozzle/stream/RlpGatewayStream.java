package io.logpipe.nozzle.stream;

import io.logpipe.nozzle.envelope.DecodeException;
import io.logpipe.nozzle.envelope.Envelope;
import io.logpipe.nozzle.envelope.EnvelopeType;
import io.logpipe.nozzle.envelope.RlpJsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The v2 stream: {@code GET /v2/read?log&...&shard_id=...} on the RLP gateway, answered with
 * Server-Sent Events, one JSON envelope batch per event. Heartbeat events are counted; {@code
 * event: closing} (sent every 14 minutes by default) ends the stream, which is then opened again at
 * once. The gateway answers 404 to a refused token; the token is then renewed. See {@code
 * docs/nozzle.md} for the request and the reasons a stream ends.
 */
public final class RlpGatewayStream extends LogStream {
  private static final Logger log = LoggerFactory.getLogger(RlpGatewayStream.class);
  private static final int MAX_ERROR_BODY = 1024;

  private final String pathAndQuery;
  private final int maxEventBytes;

  public RlpGatewayStream(
      String name,
      URI url,
      String shardId,
      List<EnvelopeType> types,
      List<String> sourceIds,
      int maxEventBytes,
      StreamContext context) {
    super(name, url, context);
    this.pathAndQuery = pathAndQuery(url, shardId, types, sourceIds);
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * The request target: the type keys without values ({@code ?log&counter}), then {@code shard_id}
   * and each {@code source_id}, URL-encoded.
   */
  static String pathAndQuery(
      URI url, String shardId, List<EnvelopeType> types, List<String> sourceIds) {
    String base = url.getRawPath() == null ? "" : url.getRawPath();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    StringBuilder b = new StringBuilder(base).append("/v2/read?");
    for (EnvelopeType t : types) {
      b.append(t.id()).append('&');
    }
    b.append("shard_id=").append(URLEncoder.encode(shardId, StandardCharsets.UTF_8));
    for (String s : sourceIds) {
      b.append("&source_id=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  /** The request target sent to the gateway (for logs and tests). */
  public String requestTarget() {
    return pathAndQuery;
  }

  @Override
  protected void initChannel(SocketChannel ch, Attempt attempt) {
    ch.pipeline()
        .addLast(new HttpClientCodec(4096, 16 * 1024, 64 * 1024))
        .addLast(new IdleStateHandler(readTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast(new Handler(attempt));
  }

  private final class Handler extends ChannelInboundHandlerAdapter implements SseParser.Listener {
    private final Attempt attempt;
    private final RlpJsonDecoder decoder = new RlpJsonDecoder(maxEventBytes);
    private final SseParser sse = new SseParser(maxEventBytes, this);
    private int status;
    private StringBuilder errorBody;
    private byte[] chunk = new byte[0];
    private ChannelHandlerContext ctx;

    Handler(Attempt attempt) {
      this.attempt = attempt;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      FullHttpRequest req =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery);
      String host = url.getPort() > 0 ? url.getHost() + ":" + url.getPort() : url.getHost();
      req.headers()
          .set(HttpHeaderNames.HOST, host)
          .set(HttpHeaderNames.ACCEPT, "text/event-stream")
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
          .set(HttpHeaderNames.AUTHORIZATION, attempt.authorization)
          .set(HttpHeaderNames.USER_AGENT, "logpipe-nozzle");
      ctx.writeAndFlush(req);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse r) {
          status = r.status().code();
          if (status == 200) {
            attempt.streaming();
          } else {
            errorBody = new StringBuilder();
          }
        }
        if (msg instanceof HttpContent c) {
          ByteBuf buf = c.content();
          if (status == 200) {
            feed(buf);
          } else if (errorBody != null && errorBody.length() < MAX_ERROR_BODY) {
            errorBody.append(
                buf.toString(
                    buf.readerIndex(),
                    Math.min(buf.readableBytes(), MAX_ERROR_BODY - errorBody.length()),
                    StandardCharsets.UTF_8));
          }
          if (msg instanceof LastHttpContent) {
            if (status == 200) {
              attempt.end("eof", "the gateway ended the stream");
            } else {
              refused();
            }
            ctx.close();
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void refused() {
      String body = errorBody == null ? "" : errorBody.toString().trim();
      if (status == 404 || status == 401 || status == 403) {
        // The gateway answers 404 for every authentication failure.
        attempt.tokenRefused();
        attempt.end("auth", "HTTP " + status + " " + body);
      } else {
        attempt.end("http_" + status, "HTTP " + status + " " + body);
        if (status == 400 || status == 405) {
          log.error(
              "the RLP gateway refused the request {}: HTTP {} {}", pathAndQuery, status, body);
        }
      }
    }

    private void feed(ByteBuf buf) {
      int n = buf.readableBytes();
      if (n == 0) {
        return;
      }
      if (buf.hasArray()) {
        sse.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
      } else {
        if (chunk.length < n) {
          chunk = new byte[Math.max(n, 16 * 1024)];
        }
        buf.getBytes(buf.readerIndex(), chunk, 0, n);
        sse.feed(chunk, 0, n);
      }
    }

    @Override
    public void onEvent(String type, byte[] data, int length) {
      if (type == null) {
        Instant observed = listener.now();
        try {
          List<Envelope> envelopes = decoder.decode(data, 0, length);
          listener.envelopes(envelopes, observed);
          for (int i = decoder.skipped(); i > 0; i--) {
            metrics.decodeError("no_message");
          }
        } catch (DecodeException e) {
          listener.undecodable("json", e.getMessage(), data, 0, length, name);
        } catch (RuntimeException e) {
          listener.undecodable("json", e.toString(), data, 0, length, name);
        }
      } else if (type.equals("heartbeat")) {
        metrics.keepAlive("heartbeat");
      } else if (type.equals("closing")) {
        attempt.end("closing", new String(data, 0, length, StandardCharsets.UTF_8));
        ctx.close();
      }
      // Other event types are not part of the protocol; they are ignored.
    }

    @Override
    public void onOversized(long bytes) {
      String why = "event of " + bytes + " bytes is larger than nozzle.max_message_size";
      listener.undecodable("oversized", why, new byte[0], 0, 0, name);
    }
  }
}
