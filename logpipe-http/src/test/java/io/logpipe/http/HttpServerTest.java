package io.logpipe.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
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
}
