package io.logpipe.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code GET /healthz}: 200 when every check passes, 503 otherwise, with each check's details as
 * JSON. Checks may block (they ask Kafka), so they run on the given executor.
 */
public final class HealthEndpoint implements HttpEndpoint {
  private final Map<String, Supplier<Check>> checks;
  private final Executor executor;

  /**
   * The result of one check.
   *
   * @param ok whether it passed
   * @param details what it found, shown as JSON
   */
  public record Check(boolean ok, Map<String, Object> details) {}

  public HealthEndpoint(Map<String, Supplier<Check>> checks, Executor executor) {
    this.checks = Map.copyOf(checks);
    this.executor = executor;
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    executor.execute(
        () -> {
          Map<String, Object> body = new LinkedHashMap<>();
          boolean ok = true;
          Map<String, Object> results = new LinkedHashMap<>();
          for (Map.Entry<String, Supplier<Check>> e : new java.util.TreeMap<>(checks).entrySet()) {
            Check c;
            try {
              c = e.getValue().get();
            } catch (RuntimeException ex) {
              c = new Check(false, Map.of("error", String.valueOf(ex)));
            }
            ok &= c.ok();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("ok", c.ok());
            d.putAll(c.details());
            results.put(e.getKey(), d);
          }
          body.put("status", ok ? "ok" : "unavailable");
          body.put("checks", results);
          Responses.json(
              ctx,
              keepAlive,
              ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
              body);
        });
  }
}
