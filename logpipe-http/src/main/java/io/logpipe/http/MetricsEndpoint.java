package io.logpipe.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code GET /metrics}: every meter in the Prometheus text format. */
public final class MetricsEndpoint implements HttpEndpoint {
  private final PrometheusMeterRegistry registry;

  public MetricsEndpoint(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    byte[] text = registry.scrape().getBytes(StandardCharsets.UTF_8);
    Responses.write(
        ctx,
        HttpUtil.isKeepAlive(request),
        HttpResponseStatus.OK,
        "text/plain; version=0.0.4; charset=utf-8",
        Unpooled.wrappedBuffer(text),
        Map.of());
  }
}
