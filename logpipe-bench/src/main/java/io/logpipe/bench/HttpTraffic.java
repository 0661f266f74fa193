package io.logpipe.bench;

import io.logpipe.bench.Foundation.App;

/**
 * The HTTP side of the simulated traffic: methods, paths, status codes, user agents and client
 * addresses, and the gorouter access line that ties them together. Shared by app and component
 * lines so that the router's view and the apps' view of a request look alike. Not thread-safe.
 */
final class HttpTraffic {
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
  private static final Popularity METHOD_MIX = Popularity.of(72, 16, 5, 3, 3, 1);

  private static final int[] STATUSES = {
    200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 409, 422, 429, 499, 500, 502, 503, 504
  };
  private static final Popularity STATUS_MIX =
      Popularity.of(620, 50, 50, 10, 30, 50, 30, 30, 10, 60, 10, 10, 10, 10, 10, 5, 5, 3);

  private static final String[] USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
        + " Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "okhttp/4.12.0",
    "Apache-HttpClient/5.2.1 (Java/17.0.10)",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/124.0.0.0 Mobile Safari/537.36",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "ReactorNetty/1.1.17",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "axios/1.6.8",
    "Java-http-client/17.0.10",
    "curl/8.5.0",
    "Prometheus/2.51.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
  };
  private static final Popularity USER_AGENT_MIX = Popularity.zipf(USER_AGENTS.length, 1.0);

  private static final String[] SEARCH_TERMS = {
    "shoes", "laptop", "coffee", "headphones", "gift", "winter+jacket", "usb-c", "desk", "book",
    "garden", "running", "kids", "sale", "phone+case", "monitor", "chair", "tea", "bike"
  };
  private static final String[] STATIC_FILES = {
    "js/main.", "js/vendor.", "js/runtime.", "css/main.", "css/theme.", "media/logo."
  };
  private static final String[] PAGES = {
    "/", "/login", "/logout", "/favicon.ico", "/metrics", "/oauth/token", "/robots.txt"
  };

  private static final int CLIENT_POOL_SIZE = 4096;

  private final Dice dice;
  private final ClockText clock;
  private final int[] clientPool = new int[CLIENT_POOL_SIZE];
  private final Popularity clientMix = Popularity.zipf(CLIENT_POOL_SIZE, 0.8);
  private final int[] loadBalancers = new int[4];

  HttpTraffic(Dice dice, ClockText clock, long seed) {
    this.dice = dice;
    this.clock = clock;
    for (int i = 0; i < CLIENT_POOL_SIZE; i++) {
      clientPool[i] = publicAddress(Dice.mix(seed + i));
    }
    for (int i = 0; i < loadBalancers.length; i++) {
      loadBalancers[i] = (10 << 24) | (5 + i);
    }
  }

  private static int publicAddress(long bits) {
    int first = 11 + (int) Long.remainderUnsigned(bits >>> 40, 212);
    return (first << 24) | ((int) bits & 0xFF_FFFF);
  }

  String method() {
    return METHODS[METHOD_MIX.draw(dice)];
  }

  int status() {
    return STATUSES[STATUS_MIX.draw(dice)];
  }

  /** The reason phrase of a status code, as frameworks print it. */
  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 499 -> "Client Closed Request";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Unknown";
    };
  }

  String userAgent() {
    return USER_AGENTS[USER_AGENT_MIX.draw(dice)];
  }

  /** A client address: most traffic comes from a few thousand regulars, some from anywhere. */
  int clientAddress() {
    return dice.percent(80) ? clientPool[clientMix.draw(dice)] : publicAddress(dice.nextLong());
  }

  int loadBalancer() {
    return loadBalancers[dice.below(loadBalancers.length)];
  }

  /** A response size in bytes that fits the status. */
  int responseBytes(int status) {
    if (status == 204 || status == 304) {
      return 0;
    }
    if (status >= 300) {
      return 20 + dice.below(400);
    }
    return dice.percent(70) ? 40 + dice.below(2000) : 2000 + dice.below(120_000);
  }

  /** Appends a request path plausible for the app. */
  void appendPath(StringBuilder b, App app) {
    if (app.runtime() == Foundation.Runtime.NGINX) {
      appendStaticPath(b, app);
      return;
    }
    String noun = app.noun();
    int t = dice.below(100);
    if (t < 28) {
      b.append("/api/v1/").append(noun).append('/').append(dice.entityId(2_000_000));
    } else if (t < 38) {
      b.append("/api/v1/").append(noun).append("?page=").append(1 + dice.below(40));
      b.append("&size=").append(dice.percent(70) ? 20 : 100);
    } else if (t < 46) {
      b.append("/api/v1/").append(noun).append('/').append(dice.entityId(2_000_000));
      b.append(dice.percent(50) ? "/items" : "/history");
    } else if (t < 52) {
      b.append("/api/v2/").append(noun).append('/');
      dice.appendUuid(b);
    } else if (t < 64) {
      b.append(app.runtime() == Foundation.Runtime.SPRING ? "/actuator/health" : "/health");
    } else if (t < 69) {
      b.append("/api/v1/").append(noun).append("/search?q=").append(dice.pick(SEARCH_TERMS));
      b.append("&sort=createdAt,desc");
    } else if (t < 76) {
      b.append("/api/v1/customers/").append(dice.entityId(300_000)).append('/').append(noun);
    } else if (t < 82) {
      b.append("/api/v1/").append(noun).append('/').append(dice.entityId(2_000_000));
      b.append("/events?since=");
      clock.appendEpochMillis(b);
    } else if (t < 90) {
      b.append("/api/v1/").append(noun);
    } else {
      b.append(dice.pick(PAGES));
    }
  }

  private void appendStaticPath(StringBuilder b, App app) {
    int t = dice.below(100);
    if (t < 60) {
      String file = dice.pick(STATIC_FILES);
      b.append("/static/").append(file);
      // Build hashes are fixed per deployment, so they repeat, as in real traffic.
      Dice.appendHex(b, Dice.mix(app.index() * 31L + file.hashCode()), 8);
      b.append(file.startsWith("css") ? ".css" : file.startsWith("media") ? ".svg" : ".js");
    } else if (t < 85) {
      b.append(dice.pick(PAGES));
    } else {
      b.append('/').append(app.noun()).append('/').append(1 + dice.below(50_000));
    }
  }

  /**
   * Appends a gorouter access line for one request to an app instance, in the format gorouter
   * writes to its access log and sends as the app's RTR log.
   */
  void appendRouterAccess(StringBuilder b, App app, int instance, int status) {
    b.append(app.route()).append(" - [");
    clock.appendIso(b, 9).append("] \"").append(method()).append(' ');
    appendPath(b, app);
    b.append(" HTTP/1.1\" ").append(status).append(' ');
    b.append(dice.percent(80) ? 0 : 60 + dice.below(4000)).append(' ');
    b.append(responseBytes(status)).append(" \"");
    if (dice.percent(70)) {
      b.append('-');
    } else {
      b.append("https://").append(app.route()).append('/');
    }
    b.append("\" \"").append(userAgent()).append("\" \"");
    int lb = loadBalancer();
    Dice.appendIpv4(b, lb);
    b.append(':').append(20_000 + dice.below(40_000)).append("\" \"");
    b.append(app.backends()[instance]).append("\" x_forwarded_for:\"");
    Dice.appendIpv4(b, clientAddress());
    b.append(", ");
    Dice.appendIpv4(b, lb);
    // With tracing on, gorouter derives the request id from the trace id. Most requests start a
    // trace, whose root span id is the trace id's low half, as Zipkin's convention has it.
    long traceHigh = dice.nextLong();
    long traceLow = dice.nextLong();
    long span = dice.percent(75) ? traceLow : dice.nextLong();
    b.append("\" x_forwarded_proto:\"https\" vcap_request_id:\"");
    Dice.appendHex(b, traceHigh >>> 32, 8);
    b.append('-');
    Dice.appendHex(b, traceHigh >>> 16, 4);
    b.append('-');
    Dice.appendHex(b, traceHigh, 4);
    b.append('-');
    Dice.appendHex(b, traceLow >>> 48, 4);
    b.append('-');
    Dice.appendHex(b, traceLow, 12);
    long micros = dice.latencyMicros(status >= 500 ? 900_000 : 18_000);
    b.append("\" response_time:");
    Dice.appendDecimal(b, micros, 6).append(" gorouter_time:");
    Dice.appendDecimal(b, 60 + dice.below(400), 6).append(" app_id:\"");
    b.append(app.id()).append("\" app_index:\"").append(instance).append("\" instance_id:\"");
    b.append(app.instanceGuids()[instance]).append("\" x_cf_routererror:\"");
    b.append(status == 502 ? "endpoint_failure" : "-").append("\" x_b3_traceid:\"");
    appendTrace(b, traceHigh, traceLow);
    b.append("\" x_b3_spanid:\"");
    Dice.appendHex(b, span, 16);
    b.append("\" x_b3_parentspanid:\"-\" b3:\"");
    appendTrace(b, traceHigh, traceLow);
    b.append('-');
    Dice.appendHex(b, span, 16);
    b.append('"');
  }

  private static void appendTrace(StringBuilder b, long high, long low) {
    Dice.appendHex(b, high, 16);
    Dice.appendHex(b, low, 16);
  }
}
