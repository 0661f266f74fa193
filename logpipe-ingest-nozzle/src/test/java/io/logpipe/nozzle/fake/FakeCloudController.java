package io.logpipe.nozzle.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Cloud Controller v3 apps list as the nozzle asks it: {@code GET
 * /v3/apps?guids=a,b&include=space.organization&per_page=N}, answering {@code resources} (each app
 * with {@code relationships.space.data.guid}) and {@code included.spaces} (with {@code
 * relationships.organization.data.guid}) and {@code included.organizations}; 401 {@code
 * CF-InvalidAuthToken} for a bad token. {@link #down(boolean)} makes it answer 503.
 */
public final class FakeCloudController implements AutoCloseable {
  /** One app and where it lives. */
  public record App(
      String guid,
      String name,
      String spaceGuid,
      String spaceName,
      String orgGuid,
      String orgName) {}

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor;
  private final FakeUaa uaa;
  private final Map<String, App> apps = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean down;
  private volatile long delayMillis;

  public FakeCloudController(FakeUaa uaa) throws IOException {
    this(uaa, null);
  }

  /**
   * @param tls serve HTTPS with this certificate; null for plain HTTP
   */
  public FakeCloudController(FakeUaa uaa, PlatformCertificates.ServerIdentity tls)
      throws IOException {
    this.uaa = uaa;
    server = Https.server(tls);
    server.createContext("/v3/apps", this::apps);
    server.setExecutor(
        executor =
            Executors.newFixedThreadPool(
                8,
                r -> {
                  Thread t = new Thread(r, "fake-cc");
                  t.setDaemon(true);
                  return t;
                }));
    server.start();
  }

  public URI url() {
    return Https.url(server);
  }

  public void add(App app) {
    apps.put(app.guid(), app);
  }

  /** While down, every request gets 503. */
  public void down(boolean d) {
    down = d;
  }

  /** Each answer waits this long (to see concurrency bounds). */
  public void delayMillis(long ms) {
    delayMillis = ms;
  }

  public int requests() {
    return requests.get();
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void apps(HttpExchange x) throws IOException {
    try (x) {
      requests.incrementAndGet();
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        if (delayMillis > 0) {
          Thread.sleep(delayMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        if (down) {
          FakeUaa.send(
              x,
              503,
              "{\"errors\":[{\"detail\":\"Service Unavailable\",\"title\":\"CF-ServiceUnavailable\",\"code\":10015}]}");
          return;
        }
        if (!uaa.valid(x.getRequestHeaders().getFirst("Authorization"))) {
          FakeUaa.send(
              x,
              401,
              "{\"errors\":[{\"detail\":\"Invalid Auth Token\",\"title\":\"CF-InvalidAuthToken\",\"code\":1000}]}");
          return;
        }
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        List<App> found = new ArrayList<>();
        for (String g : q.getOrDefault("guids", "").split(",")) {
          App a = apps.get(g);
          if (a != null) {
            found.add(a);
          }
        }
        FakeUaa.send(x, 200, body(found, "space.organization".equals(q.get("include"))));
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  private String body(List<App> found, boolean include) {
    StringBuilder b = new StringBuilder();
    b.append("{\"pagination\":{\"total_results\":")
        .append(found.size())
        .append(",\"total_pages\":1,\"first\":{\"href\":\"")
        .append(url())
        .append("/v3/apps?page=1\"},\"last\":{\"href\":\"")
        .append(url())
        .append("/v3/apps?page=1\"},\"next\":null,\"previous\":null},\"resources\":[");
    Map<String, App> spaces = new LinkedHashMap<>();
    Map<String, App> orgs = new LinkedHashMap<>();
    for (int i = 0; i < found.size(); i++) {
      App a = found.get(i);
      spaces.putIfAbsent(a.spaceGuid(), a);
      orgs.putIfAbsent(a.orgGuid(), a);
      b.append(i == 0 ? "" : ",")
          .append("{\"guid\":\"")
          .append(a.guid())
          .append(
              "\",\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\",\"name\":\"")
          .append(a.name())
          .append(
              "\",\"state\":\"STARTED\",\"lifecycle\":{\"type\":\"buildpack\",\"data\":{\"buildpacks\":[],\"stack\":\"cflinuxfs4\"}},\"relationships\":{\"space\":{\"data\":{\"guid\":\"")
          .append(a.spaceGuid())
          .append(
              "\"}}},\"metadata\":{\"labels\":{},\"annotations\":{}},\"links\":{\"self\":{\"href\":\"")
          .append(url())
          .append("/v3/apps/")
          .append(a.guid())
          .append("\"}}}");
    }
    b.append("]");
    if (include) {
      b.append(",\"included\":{\"spaces\":[");
      int i = 0;
      for (App a : spaces.values()) {
        b.append(i++ == 0 ? "" : ",")
            .append("{\"guid\":\"")
            .append(a.spaceGuid())
            .append("\",\"name\":\"")
            .append(a.spaceName())
            .append("\",\"relationships\":{\"organization\":{\"data\":{\"guid\":\"")
            .append(a.orgGuid())
            .append(
                "\"}},\"quota\":{\"data\":null}},\"metadata\":{\"labels\":{},\"annotations\":{}}}");
      }
      b.append("],\"organizations\":[");
      i = 0;
      for (App a : orgs.values()) {
        b.append(i++ == 0 ? "" : ",")
            .append("{\"guid\":\"")
            .append(a.orgGuid())
            .append("\",\"name\":\"")
            .append(a.orgName())
            .append(
                "\",\"suspended\":false,\"relationships\":{\"quota\":{\"data\":{\"guid\":\"q\"}}},\"metadata\":{\"labels\":{},\"annotations\":{}}}");
      }
      b.append("]}");
    }
    return b.append("}").toString();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      String v = eq < 0 ? "" : kv.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
