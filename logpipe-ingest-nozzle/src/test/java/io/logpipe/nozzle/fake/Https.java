package io.logpipe.nozzle.fake;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/** The JDK's HTTP server for the fake UAA and Cloud Controller, plain or with TLS. */
final class Https {
  private Https() {}

  /** An unstarted server on a free port of 127.0.0.1; HTTPS with {@code tls} unless null. */
  static HttpServer server(PlatformCertificates.ServerIdentity tls) throws IOException {
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", 0);
    if (tls == null) {
      return HttpServer.create(at, 0);
    }
    HttpsServer s = HttpsServer.create(at, 0);
    s.setHttpsConfigurator(new HttpsConfigurator(tls.jdk()));
    return s;
  }

  /** Its base URL. */
  static URI url(HttpServer server) {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }
}
