package io.logpipe.nozzle.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logpipe.nozzle.NozzleMetrics;
import io.logpipe.nozzle.NozzleSettings;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * App, space and org names by app GUID, from the Cloud Controller v3 API, through a cache that
 * never makes a caller wait.
 *
 * <p>{@link #lookup} answers from the cache at once: the names, or null when they are not known
 * (yet). A miss, or an entry past its TTL, puts the app on a list that a background thread works
 * through: it asks for up to {@code batch_size} apps per request ({@code GET
 * /v3/apps?guids=...&include=space.organization&per_page=...}), with at most {@code
 * max_concurrency} requests in flight and at most {@code requests_per_second} started (a token
 * bucket). Until the answer arrives, and whenever the API fails, records go out without names (or
 * with the stale ones). Apps the API does not know are not asked for again for {@code missing_ttl};
 * after a failure, the apps of that request wait {@code error_backoff}. TTLs get 10% jitter so that
 * entries made together do not expire together. Only GUIDs are looked up (platform components such
 * as {@code doppler} are not apps).
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #lookup} from any thread, {@link #close()}.
 * Thread-safe.
 */
public final class AppNames implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AppNames.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PUMP_INTERVAL = Duration.ofMillis(50);

  /**
   * What the Cloud Controller says about an app; any name may be null when not included.
   *
   * @param appName the app's name
   * @param spaceId the space GUID
   * @param spaceName the space name
   * @param orgId the org GUID
   * @param orgName the org name
   */
  public record AppInfo(
      String appName, String spaceId, String spaceName, String orgId, String orgName) {}

  private record Entry(AppInfo info, long expiresAtMillis) {}

  private final NozzleSettings.CloudController settings;
  private final TokenSource tokens;
  private final HttpClient http;
  private final Clock clock;
  private final NozzleMetrics metrics;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final Map<String, Boolean> pending = new ConcurrentHashMap<>();
  private final Queue<String> wanted = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int pendingLimit;
  private final ScheduledExecutorService pump;
  private double budget;
  private long budgetAt;
  private long lastFailureLog;

  public AppNames(
      NozzleSettings.CloudController settings,
      TokenSource tokens,
      HttpClient http,
      Clock clock,
      NozzleMetrics metrics) {
    this.settings = settings;
    this.tokens = tokens;
    this.http = http;
    this.clock = clock;
    this.metrics = metrics;
    this.pendingLimit = Math.max(1000, settings.batchSize() * settings.maxConcurrency() * 20);
    this.budget = settings.requestsPerSecond();
    this.budgetAt = clock.millis();
    this.pump =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logpipe-nozzle-cc");
              t.setDaemon(true);
              return t;
            });
    Gauge.builder("logpipe.nozzle.enrichment.cache.size", cache, Map::size)
        .description("Apps whose names (or absence) the nozzle holds")
        .register(metrics.registry());
  }

  /** Starts the background lookups. */
  public void start() {
    pump.scheduleWithFixedDelay(
        this::pumpSafely,
        PUMP_INTERVAL.toMillis(),
        PUMP_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * The names of an app, or null when they are not known (yet). Never blocks; a miss is looked up
   * in the background.
   */
  public AppInfo lookup(String appId) {
    Entry e = cache.get(appId);
    if (e != null && e.expiresAtMillis > clock.millis()) {
      return e.info;
    }
    if (isGuid(appId)) {
      want(appId);
    }
    return e == null ? null : e.info;
  }

  private void want(String appId) {
    if (pending.size() < pendingLimit && pending.putIfAbsent(appId, Boolean.TRUE) == null) {
      wanted.add(appId);
    }
  }

  /** Apps waiting to be looked up, or being looked up. */
  public int pending() {
    return pending.size();
  }

  private void pumpSafely() {
    try {
      pumpOnce();
    } catch (RuntimeException e) {
      log.warn("Cloud Controller lookups failed", e);
    }
  }

  private void pumpOnce() {
    while (!wanted.isEmpty() && inFlight.get() < settings.maxConcurrency()) {
      if (!takeBudget()) {
        metrics.cloudControllerRequest("throttled");
        return;
      }
      List<String> batch = new ArrayList<>(settings.batchSize());
      String id;
      while (batch.size() < settings.batchSize() && (id = wanted.poll()) != null) {
        batch.add(id);
      }
      if (batch.isEmpty()) {
        return;
      }
      inFlight.incrementAndGet();
      request(batch);
    }
  }

  private boolean takeBudget() {
    long now = clock.millis();
    int rate = settings.requestsPerSecond();
    budget = Math.min(rate, budget + (now - budgetAt) * rate / 1000.0);
    budgetAt = now;
    if (budget >= 1) {
      budget -= 1;
      return true;
    }
    return false;
  }

  private void request(List<String> batch) {
    String auth;
    try {
      auth = tokens.authorization();
    } catch (TokenException e) {
      failed(batch, "no token: " + e.getMessage(), "error");
      return;
    }
    String base = settings.url().toString();
    URI uri =
        URI.create(
            (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/v3/apps?guids="
                + String.join(",", batch)
                + "&include=space.organization&per_page="
                + batch.size());
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Authorization", auth)
            .header("Accept", "application/json")
            .GET()
            .build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              try {
                if (error != null) {
                  String tls = PlatformTls.problem(error);
                  failed(batch, tls != null ? tls : error.toString(), "error");
                } else if (response.statusCode() == 200) {
                  answered(batch, response.body());
                } else if (response.statusCode() == 401) {
                  tokens.invalidate(auth);
                  failed(batch, "HTTP 401 (token refused)", "unauthorized");
                } else {
                  failed(batch, "HTTP " + response.statusCode(), "error");
                }
              } catch (RuntimeException e) {
                failed(batch, e.toString(), "error");
              }
            });
  }

  private void answered(List<String> batch, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      failed(batch, "answer is not JSON", "error");
      return;
    }
    Map<String, String[]> spaces = new HashMap<>();
    for (JsonNode s : root.path("included").path("spaces")) {
      spaces.put(
          s.path("guid").asText(),
          new String[] {
            s.path("name").asText(null),
            s.path("relationships").path("organization").path("data").path("guid").asText(null)
          });
    }
    Map<String, String> orgs = new HashMap<>();
    for (JsonNode o : root.path("included").path("organizations")) {
      orgs.put(o.path("guid").asText(), o.path("name").asText(null));
    }
    Set<String> found = new HashSet<>();
    long now = clock.millis();
    for (JsonNode app : root.path("resources")) {
      String guid = app.path("guid").asText(null);
      if (guid == null) {
        continue;
      }
      String spaceId =
          app.path("relationships").path("space").path("data").path("guid").asText(null);
      String[] space = spaceId == null ? null : spaces.get(spaceId);
      String orgId = space == null ? null : space[1];
      AppInfo info =
          new AppInfo(
              app.path("name").asText(null),
              spaceId,
              space == null ? null : space[0],
              orgId,
              orgId == null ? null : orgs.get(orgId));
      cache.put(guid, new Entry(info, now + jittered(settings.ttl())));
      found.add(guid);
    }
    for (String id : batch) {
      if (!found.contains(id)) {
        cache.put(id, new Entry(null, now + jittered(settings.missingTtl())));
      }
      pending.remove(id);
    }
    inFlight.decrementAndGet();
    metrics.cloudControllerRequest("ok");
    trim();
  }

  private void failed(List<String> batch, String why, String outcome) {
    long now = clock.millis();
    long until = now + settings.errorBackoff().toMillis();
    for (String id : batch) {
      // Keep names we had (stale is better than none); ask again after the backoff.
      Entry old = cache.get(id);
      cache.put(id, new Entry(old == null ? null : old.info, until));
      pending.remove(id);
    }
    inFlight.decrementAndGet();
    metrics.cloudControllerRequest(outcome);
    if (now - lastFailureLog >= 60_000) {
      lastFailureLog = now;
      log.warn(
          "Cloud Controller lookup of {} apps failed ({}); records go out without names, retry"
              + " after {}",
          batch.size(),
          why,
          settings.errorBackoff());
    }
    trim();
  }

  private long jittered(Duration ttl) {
    long ms = ttl.toMillis();
    return ms - (long) (ms * 0.1 * ThreadLocalRandom.current().nextDouble());
  }

  /** Keeps the cache within max_entries: expired entries first, then any. */
  private void trim() {
    int max = settings.maxEntries();
    if (cache.size() <= max) {
      return;
    }
    long now = clock.millis();
    cache.values().removeIf(e -> e.expiresAtMillis <= now);
    Iterator<String> it = cache.keySet().iterator();
    int target = max - max / 10;
    while (cache.size() > target && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** True for the 8-4-4-4-12 hex form of app GUIDs. */
  static boolean isGuid(String s) {
    if (s == null || s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (Character.digit(c, 16) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    pump.shutdownNow();
  }
}
