package io.logpipe.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing responses: JSON bodies, errors in one shape, keep-alive handled. */
public final class Responses {
  static final ObjectMapper JSON =
      new ObjectMapper().configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);

  private Responses() {}

  /** Writes {@code body} as JSON with {@code status}. */
  public static void json(
      ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
    json(ctx, keepAlive, status, body, Map.of());
  }

  /** Writes {@code body} as JSON with {@code status} and extra headers. */
  public static void json(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      HttpResponseStatus status,
      Object body,
      Map<String, String> headers) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      bytes = "{\"error\":\"response could not be written\"}".getBytes(StandardCharsets.UTF_8);
      status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
    }
    write(
        ctx,
        keepAlive,
        status,
        "application/json",
        Unpooled.wrappedBuffer(bytes, new byte[] {'\n'}),
        headers);
  }

  /** Writes an error as {@code {"error": message}}. */
  public static void error(
      ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String message) {
    json(ctx, keepAlive, status, Map.of("error", message));
  }

  /** Writes a response with the given body and extra headers. */
  public static void write(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      HttpResponseStatus status,
      String contentType,
      ByteBuf body,
      Map<String, String> headers) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    headers.forEach((k, v) -> r.headers().set(k, v));
    HttpUtil.setContentLength(r, body.readableBytes());
    if (keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(r);
    } else {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
