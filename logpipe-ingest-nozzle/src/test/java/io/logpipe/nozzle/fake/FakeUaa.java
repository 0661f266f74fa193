package io.logpipe.nozzle.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UAA token endpoint as the nozzle uses it: {@code POST /oauth/token} with {@code
 * grant_type=client_credentials} and the client as HTTP Basic auth, answering {@code
 * {"access_token":...,"token_type":"bearer","expires_in":N,"scope":...,"jti":...}} or 401 {@code
 * {"error":"unauthorized","error_description":"Bad credentials"}}. The other fakes ask it whether a
 * token is valid (the real servers call UAA's {@code /check_token}). Over HTTP or HTTPS.
 */
public final class FakeUaa implements AutoCloseable {
  public static final String CLIENT = "logpipe-nozzle";
  public static final String SECRET = "s3cr3t-n0zzle";

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor;
  private final Clock clock;
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final AtomicInteger issued = new AtomicInteger();
  private volatile long lifetimeSeconds = 43199;
  private volatile String scope = "doppler.firehose logs.admin cloud_controller.admin_read_only";

  public FakeUaa(Clock clock) throws IOException {
    this(clock, null);
  }

  /**
   * @param tls serve HTTPS with this certificate; null for plain HTTP
   */
  public FakeUaa(Clock clock, PlatformCertificates.ServerIdentity tls) throws IOException {
    this.clock = clock;
    server = Https.server(tls);
    server.createContext("/oauth/token", this::token);
    server.setExecutor(
        executor =
            Executors.newFixedThreadPool(
                2,
                r -> {
                  Thread t = new Thread(r, "fake-uaa");
                  t.setDaemon(true);
                  return t;
                }));
    server.start();
  }

  public URI url() {
    return Https.url(server);
  }

  /** Tokens issued from now on are valid for this long. */
  public void lifetimeSeconds(long s) {
    lifetimeSeconds = s;
  }

  /** The scopes of tokens issued from now on. */
  public void scope(String s) {
    scope = s;
  }

  /** Tokens issued so far. */
  public int issued() {
    return issued.get();
  }

  /** Every token issued so far stops being valid. */
  public void revokeAll() {
    tokens.clear();
  }

  /** True if {@code authorization} is {@code bearer <token>} (lower case) with a valid token. */
  public boolean valid(String authorization) {
    if (authorization == null || !authorization.startsWith("bearer ")) {
      return false;
    }
    Instant expires = tokens.get(authorization.substring("bearer ".length()));
    return expires != null && clock.instant().isBefore(expires);
  }

  private void token(HttpExchange x) throws IOException {
    try (x) {
      if (!x.getRequestMethod().equals("POST")) {
        send(x, 405, "{\"error\":\"method_not_allowed\"}");
        return;
      }
      String basic = x.getRequestHeaders().getFirst("Authorization");
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((CLIENT + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
      Map<String, String> form =
          form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (!expected.equals(basic)) {
        send(x, 401, "{\"error\":\"unauthorized\",\"error_description\":\"Bad credentials\"}");
        return;
      }
      if (!"client_credentials".equals(form.get("grant_type"))) {
        send(
            x,
            400,
            "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Unsupported grant type\"}");
        return;
      }
      String token = "eyJhbGciOiJSUzI1NiJ9." + UUID.randomUUID() + ".sig";
      long life = lifetimeSeconds;
      tokens.put(token, clock.instant().plusSeconds(life));
      issued.incrementAndGet();
      send(
          x,
          200,
          "{\"access_token\":\""
              + token
              + "\",\"token_type\":\"bearer\",\"expires_in\":"
              + life
              + ",\"scope\":\""
              + scope
              + "\",\"jti\":\""
              + UUID.randomUUID().toString().replace("-", "")
              + "\"}");
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String kv : body.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  static void send(HttpExchange x, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
