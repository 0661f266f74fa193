package io.logpipe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HttpServerTest {
  @Test
  void aPortInUseIsAClearError() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      ConfigNode root =
          ConfigNode.root(
              ConfigFiles.parse("http: {listen: '127.0.0.1:" + busy.getLocalPort() + "'}", "t"),
              Map.of(),
              "t");
      HttpServer server =
          new HttpServer(HttpSettings.from(root.section("http")), new SimpleMeterRegistry());
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "cannot listen on 127.0.0.1:" + busy.getLocalPort() + " (http.listen): ");
    }
  }

  @Test
  void aMountedApiServesItsRoutesAndIsToldToEndItsStreamsOnStop() throws Exception {
    ConfigNode root =
        ConfigNode.root(ConfigFiles.parse("http: {listen: '127.0.0.1:0'}", "t"), Map.of(), "t");
    HttpServer server =
        new HttpServer(HttpSettings.from(root.section("http")), new SimpleMeterRegistry());
    AtomicInteger stopped = new AtomicInteger();
    server.mount(
        new HttpApi() {
          @Override
          public void register(HttpServer s) {
            s.route(
                HttpMethod.GET,
                "/api/v1/hello",
                (ctx, req) ->
                    Responses.json(
                        ctx, HttpUtil.isKeepAlive(req), HttpResponseStatus.OK, Map.of("hi", 1)));
          }

          @Override
          public void stopStreams() {
            stopped.incrementAndGet();
          }
        });
    InetSocketAddress a = server.start();
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + a.getPort() + "/api/v1/hello"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"hi\":1");
    server.close(Duration.ofSeconds(2));
    assertThat(stopped.get()).isEqualTo(1);
    assertThatThrownBy(() -> server.mount(s -> {})).isInstanceOf(IllegalStateException.class);
  }
}
