package io.logpipe.bench;

import io.logpipe.bench.Foundation.App;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;

/**
 * The lines an app writes to stdout and stderr, in the formats of its runtime: Spring Boot (logback
 * text or logstash JSON), Node.js (pino, morgan), Go (zap, slog, the log package), Python
 * (gunicorn, Flask, Celery), Ruby (Rails, Sidekiq) and nginx. Sets the message, severity and stream
 * of the record being built; the caller sets the clock to the event time first. Not thread-safe.
 */
final class AppLogLines {
  private static final String[] STATUSES = {
    "CREATED",
    "PENDING",
    "PAID",
    "SHIPPED",
    "DELIVERED",
    "CANCELLED",
    "FAILED",
    "REFUNDED",
    "ACTIVE",
    "SUSPENDED"
  };
  private static final String[] CURRENCIES = {"EUR", "EUR", "USD", "GBP", "CHF"};
  private static final String[] USERS = {
    "anna.schmidt",
    "j.garcia",
    "li.wei",
    "m.müller",
    "sofia.rossi",
    "o.nowak",
    "ahmed.khan",
    "chloé.martin",
    "kenji.sato",
    "p.oconnor",
    "emma.jones",
    "lukas.novak",
    "ines.silva",
    "david.cohen",
    "mia.larsen",
    "raj.patel"
  };
  private static final String[] FAILURES = {
    "payment provider returned 503 Service Unavailable",
    "optimistic locking failure, entity was updated by another transaction",
    "customer not found",
    "timeout after 5000 ms waiting for upstream",
    "validation failed: quantity must be greater than 0",
    "connection reset by peer",
  };
  private static final String[] SPRING_STARTUP = {
    "Tomcat started on port 8080 (http) with context path ''",
    "HikariPool-1 - Start completed.",
    "Exposing 4 endpoints beneath base path '/actuator'",
    "The following 1 profile is active: \"cloud\"",
    "Initializing Spring DispatcherServlet 'dispatcherServlet'",
    "Bootstrapping Spring Data JPA repositories in DEFAULT mode.",
  };
  private static final String[] NODE_STARTUP = {
    "Server listening on port 8080",
    "Connected to PostgreSQL",
    "Loaded configuration from VCAP_SERVICES",
  };

  private static final String[] TOMCAT_THREADS = new String[10];

  static {
    for (int i = 0; i < TOMCAT_THREADS.length; i++) {
      TOMCAT_THREADS[i] = "http-nio-8080-exec-" + (i + 1);
    }
  }

  private static final int WEB = 0;
  private static final int SERVICE = 1;
  private static final int REPOSITORY = 2;
  private static final int LISTENER = 3;
  private static final int CLIENT = 4;
  private static final int STARTUP = 5;
  private static final String[] FRAMEWORK_LOGGERS = {
    "org.hibernate.SQL",
    "com.zaxxer.hikari.pool.HikariPool",
    "org.springframework.web.servlet.DispatcherServlet",
    "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]",
  };
  private static final int SQL = 6;
  private static final int HIKARI = 7;
  private static final int DISPATCHER = 8;
  private static final int TOMCAT = 9;

  private final Dice dice;
  private final ClockText clock;
  private final HttpTraffic http;
  private final StackTraces traces;
  private final StringBuilder line = new StringBuilder(8192);
  private final StringBuilder message = new StringBuilder(8192);

  /** The stream of the line being written. */
  private Stream stream;

  /** Per app, the full and the logback-abbreviated logger names; built on first use. */
  private final String[][] loggers;

  /**
   * Per app, the trace of the request being served. A request logs several lines, so its ids repeat
   * over a few lines, as they do in real streams.
   */
  private final long[] traceHigh;

  private final long[] traceLow;
  private final long[] spans;

  /** Per app, pino's request counter. */
  private final int[] requestCounters;

  AppLogLines(Dice dice, ClockText clock, HttpTraffic http, StackTraces traces, int apps) {
    this.dice = dice;
    this.clock = clock;
    this.http = http;
    this.traces = traces;
    this.loggers = new String[apps][];
    this.traceHigh = new long[apps];
    this.traceLow = new long[apps];
    this.spans = new long[apps];
    this.requestCounters = new int[apps];
  }

  /** Moves the app on to its next request now and then; returns the app's index. */
  private int request(App app) {
    int i = app.index();
    if (traceHigh[i] == 0 || dice.below(3) == 0) {
      traceHigh[i] = dice.nextLong() | 1;
      traceLow[i] = dice.nextLong();
      spans[i] = dice.nextLong();
      requestCounters[i] += 1 + dice.below(4);
    }
    return i;
  }

  /** Writes a line of the app's own process into the record. */
  void write(LogRecord.Builder r, App app, int instance) {
    line.setLength(0);
    message.setLength(0);
    // Each runtime method switches to stderr where that runtime's loggers write there.
    stream = Stream.OUT;
    Severity severity =
        switch (app.runtime()) {
          case SPRING -> spring(app);
          case NODE -> node(app, instance);
          case GO -> go(app);
          case PYTHON -> app.web() ? flask(app) : celery(app);
          case RUBY -> app.web() ? rails(app) : sidekiq(app);
          case NGINX -> nginx(app);
        };
    r.severity(severity).stream(stream).message(line.toString());
  }

  // ---- Spring Boot ----

  private Severity spring(App app) {
    StringBuilder m = message;
    int t = dice.below(1000);
    Severity severity = Severity.INFO;
    int logger;
    String thread = app.web() ? dice.pick(TOMCAT_THREADS) : "scheduling-1";
    boolean trace = false;
    if (t < 300) {
      logger = SERVICE;
      appendBusinessEvent(m, app);
    } else if (t < 420) {
      severity = Severity.DEBUG;
      logger = SQL;
      appendSql(m, app);
    } else if (t < 480) {
      severity = Severity.DEBUG;
      logger = HIKARI;
      thread = "HikariPool-1 housekeeper";
      int active = dice.below(11);
      m.append("HikariPool-1 - Pool stats (total=10, active=").append(active).append(", idle=");
      m.append(10 - active).append(", waiting=").append(active == 10 ? dice.below(5) : 0);
      m.append(')');
    } else if (t < 580) {
      logger = LISTENER;
      thread = "org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1";
      m.append("Received ").append(app.className()).append("Event key=");
      dice.appendUuid(m);
      m.append(" from ").append(app.noun()).append("-events-").append(dice.below(12));
      m.append('@').append(dice.below(40_000_000));
    } else if (t < 660) {
      severity = Severity.DEBUG;
      logger = DISPATCHER;
      if (dice.percent(50)) {
        m.append(http.method()).append(" \"");
        http.appendPath(m, app);
        m.append("\", parameters={}");
      } else {
        int status = http.status();
        m.append("Completed ").append(status).append(' ').append(HttpTraffic.reason(status));
      }
    } else if (t < 720) {
      severity = Severity.DEBUG;
      logger = CLIENT;
      m.append("HTTP GET http://").append(app.peer()).append(".apps.internal:8080/api/v1/");
      m.append(app.noun()).append('/').append(dice.entityId(2_000_000));
    } else if (t < 760) {
      severity = Severity.WARNING;
      logger = CLIENT;
      m.append("Retrying GET http://").append(app.peer()).append(".apps.internal:8080/api/v1/");
      m.append(app.noun()).append('/').append(dice.entityId(2_000_000)).append(" (attempt ");
      m.append(1 + dice.below(3)).append(" of 3) after I/O error: Read timed out");
    } else if (t < 790) {
      severity = Severity.WARNING;
      logger = REPOSITORY;
      m.append("Slow query: ").append(500 + dice.below(9000)).append(" ms for ");
      m.append(app.className()).append("Repository.findByCustomerIdAndStatus(customerId=");
      m.append(dice.entityId(300_000)).append(", status=").append(dice.pick(STATUSES));
      m.append(')');
    } else if (t < 800) {
      severity = Severity.WARNING;
      logger = HIKARI;
      thread = "HikariPool-1 housekeeper";
      m.append("HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=");
      m.append(1 + dice.below(3)).append('m').append(dice.below(60)).append('s');
      m.append(dice.below(1000)).append("ms).");
    } else if (t < 820) {
      severity = Severity.ERR;
      logger = app.web() ? SERVICE : LISTENER;
      m.append("Failed to process ").append(app.className()).append("Event ");
      dice.appendUuid(m);
      m.append(": ").append(dice.pick(FAILURES));
    } else if (t < 826) {
      severity = Severity.ERR;
      trace = true;
      if (app.web()) {
        logger = TOMCAT;
        m.append(
            "Servlet.service() for servlet [dispatcherServlet] in context with path []"
                + " threw exception with root cause");
      } else {
        logger = LISTENER;
        thread = "org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1";
        m.append("Error handling message from ").append(app.noun()).append("-events-");
        m.append(dice.below(12)).append('@').append(dice.below(40_000_000));
      }
    } else if (t < 840) {
      logger = STARTUP;
      thread = "main";
      if (dice.percent(30)) {
        m.append("Started ").append(app.className()).append("Application in ");
        Dice.appendDecimal(m, 8000 + dice.below(30_000), 3)
            .append(" seconds (process running for ");
        Dice.appendDecimal(m, 9000 + dice.below(30_000), 3).append(')');
      } else {
        m.append(dice.pick(SPRING_STARTUP));
      }
    } else {
      logger = WEB;
      int status = http.status();
      m.append("Completed ").append(http.method()).append(' ');
      http.appendPath(m, app);
      m.append(" -> ").append(status).append(" in ").append(dice.latencyMicros(15_000) / 1000);
      m.append(" ms");
    }
    String[] names = springLoggers(app);
    if (app.index() % 3 == 0) {
      springJson(app, severity, names[logger], thread, trace);
    } else {
      springText(app, severity, names[10 + logger], thread, trace);
    }
    return severity;
  }

  private void springText(App app, Severity severity, String logger, String thread, boolean trace) {
    StringBuilder b = line;
    clock.appendIso(b, 3).append(' ').append(logbackLevel(severity)).append(" 7 --- [");
    b.append(app.name()).append("] [");
    int n = thread.length();
    for (int i = n; i < 15; i++) {
      b.append(' ');
    }
    b.append(thread, Math.max(0, n - 15), n).append("] ").append(logger).append(" : ");
    b.append(message);
    if (trace) {
      b.append('\n');
      traces.appendJava(b, app, !app.web());
    }
  }

  private void springJson(App app, Severity severity, String logger, String thread, boolean trace) {
    StringBuilder b = line;
    b.append("{\"@timestamp\":\"");
    clock.appendIso(b, 3).append("\",\"@version\":\"1\",\"message\":");
    JsonText.appendString(b, message).append(",\"logger_name\":\"").append(logger);
    b.append("\",\"thread_name\":");
    JsonText.appendString(b, thread).append(",\"level\":\"").append(logbackLevel(severity).trim());
    b.append("\",\"level_value\":").append(levelValue(severity));
    if (trace) {
      // The encoder writes the trace as one string field; the line stays one JSON object.
      StringBuilder t = message;
      t.setLength(0);
      traces.appendJava(t, app, !app.web());
      b.append(",\"stack_trace\":");
      JsonText.appendString(b, t);
    }
    if (app.web()) {
      int i = request(app);
      b.append(",\"traceId\":\"");
      Dice.appendHex(b, traceHigh[i], 16);
      Dice.appendHex(b, traceLow[i], 16);
      b.append("\",\"spanId\":\"");
      Dice.appendHex(b, spans[i], 16);
      b.append('"');
    }
    b.append(",\"app\":\"").append(app.name()).append("\"}");
  }

  private static String logbackLevel(Severity severity) {
    return switch (severity) {
      case DEBUG -> "DEBUG";
      case INFO, NOTICE -> " INFO";
      case WARNING -> " WARN";
      default -> "ERROR";
    };
  }

  private static int levelValue(Severity severity) {
    return switch (severity) {
      case DEBUG -> 10000;
      case INFO, NOTICE -> 20000;
      case WARNING -> 30000;
      default -> 40000;
    };
  }

  /**
   * The app's logger names: entries 0..9 are full names (JSON), 10..19 are abbreviated and padded
   * to 40 characters as logback's {@code %-40.40logger{39}} writes them.
   */
  private String[] springLoggers(App app) {
    String[] names = loggers[app.index()];
    if (names != null) {
      return names;
    }
    String pkg = app.javaPackage();
    String cls = app.className();
    names = new String[20];
    names[WEB] = pkg + ".web." + cls + "Controller";
    names[SERVICE] = pkg + ".service." + cls + "Service";
    names[REPOSITORY] = pkg + ".repository." + cls + "Repository";
    names[LISTENER] = pkg + ".messaging." + cls + "EventListener";
    names[CLIENT] = pkg + ".client." + Foundation.camel(app.peer()) + "Client";
    names[STARTUP] = pkg + "." + cls + "Application";
    System.arraycopy(FRAMEWORK_LOGGERS, 0, names, SQL, FRAMEWORK_LOGGERS.length);
    for (int i = 0; i < 10; i++) {
      names[10 + i] = abbreviateLogger(names[i]);
    }
    loggers[app.index()] = names;
    return names;
  }

  /** Shortens package segments to their first letter until the name fits, then pads to 40. */
  static String abbreviateLogger(String name) {
    String[] parts = name.split("\\.");
    int length = name.length();
    for (int i = 0; i < parts.length - 1 && length > 39; i++) {
      length -= parts[i].length() - 1;
      parts[i] = parts[i].substring(0, 1);
    }
    StringBuilder b = new StringBuilder(String.join(".", parts));
    if (b.length() > 40) {
      b.delete(0, b.length() - 40);
    }
    while (b.length() < 40) {
      b.append(' ');
    }
    return b.toString();
  }

  // ---- Node.js ----

  private Severity node(App app, int instance) {
    StringBuilder b = line;
    int t = dice.below(1000);
    if (t < 100) {
      int status = http.status();
      b.append(http.method()).append(' ');
      http.appendPath(b, app);
      b.append(' ').append(status).append(' ');
      Dice.appendDecimal(b, dice.latencyMicros(12_000), 3).append(" ms - ");
      b.append(http.responseBytes(status));
      return Severity.INFO;
    }
    if (t < 110) {
      b.append(
          "(node:21) [DEP0005] DeprecationWarning: Buffer() is deprecated due to security and"
              + " usability issues. Please use the Buffer.alloc(), Buffer.allocUnsafe(), or"
              + " Buffer.from() methods instead.\n(Use `node --trace-deprecation ...` to show where the"
              + " warning was created)");
      stream = Stream.ERR;
      return Severity.WARNING;
    }
    if (t < 116) {
      traces.appendNode(b, (10 << 24) | (32 << 8) | (5 + dice.below(3)));
      stream = Stream.ERR;
      return Severity.ERR;
    }
    int level;
    Severity severity;
    if (t < 560) {
      level = 30;
      severity = Severity.INFO;
    } else if (t < 800) {
      level = 30;
      severity = Severity.INFO;
      appendBusinessEvent(message, app);
    } else if (t < 900) {
      level = 20;
      severity = Severity.DEBUG;
    } else if (t < 960) {
      level = 40;
      severity = Severity.WARNING;
    } else if (t < 990) {
      level = 50;
      severity = Severity.ERR;
    } else {
      level = 30;
      severity = Severity.NOTICE;
      message.append(dice.pick(NODE_STARTUP));
    }
    b.append("{\"level\":").append(level).append(",\"time\":");
    clock.appendEpochMillis(b).append(",\"pid\":21,\"hostname\":\"");
    b.append(app.instanceGuids()[instance]).append('"');
    if (message.length() > 0) {
      b.append(",\"msg\":");
      JsonText.appendString(b, message);
    } else if (t < 560) {
      int status = http.status();
      b.append(",\"reqId\":\"req-").append(requestCounters[request(app)]);
      b.append("\",\"req\":{\"method\":\"");
      b.append(http.method()).append("\",\"url\":\"");
      http.appendPath(b, app);
      b.append("\",\"host\":\"").append(app.route()).append("\",\"remoteAddress\":\"::ffff:");
      Dice.appendIpv4(b, app.cells()[instance].address());
      b.append("\",\"remotePort\":").append(30_000 + dice.below(30_000));
      b.append("},\"res\":{\"statusCode\":").append(status).append("},\"responseTime\":");
      Dice.appendDecimal(b, dice.latencyMicros(12_000), 3).append(",\"msg\":\"request completed\"");
    } else if (level == 20) {
      b.append(",\"key\":\"").append(app.noun()).append(':').append(dice.entityId(2_000_000));
      b.append("\",\"msg\":\"cache ").append(dice.percent(80) ? "hit" : "miss").append('"');
    } else if (level == 40) {
      b.append(",\"upstream\":\"http://").append(app.peer()).append(".apps.internal:8080\"");
      b.append(",\"durationMs\":").append(1000 + dice.below(9000));
      b.append(",\"msg\":\"slow upstream response\"");
    } else {
      message.setLength(0);
      traces.appendNode(message, (10 << 24) | (32 << 8) | (5 + dice.below(3)));
      b.append(",\"err\":{\"type\":\"Error\",\"message\":\"connect ECONNREFUSED\",\"stack\":");
      JsonText.appendString(b, message).append(",\"code\":\"ECONNREFUSED\"}");
      b.append(",\"msg\":\"database query failed\"");
    }
    b.append('}');
    return severity;
  }

  // ---- Go ----

  private Severity go(App app) {
    // zap's production config, slog's default handler and the log package all write to stderr.
    stream = Stream.ERR;
    StringBuilder b = line;
    int t = dice.below(1000);
    if (t < 200) {
      clock.appendIso(b.append("time="), 3).append(" level=INFO msg=\"");
      appendBusinessEvent(b, app);
      b.append("\" component=").append(app.noun());
      return Severity.INFO;
    }
    if (t < 350) {
      clock
          .appendSlashed(b)
          .append(" worker ")
          .append(dice.below(8))
          .append(": processed batch of ");
      b.append(1 + dice.below(500)).append(" messages from ").append(app.noun());
      b.append("-events in ").append(dice.latencyMicros(80_000) / 1000).append("ms");
      return Severity.INFO;
    }
    if (t < 355) {
      traces.appendGoPanic(b, app);
      return Severity.CRIT;
    }
    Severity severity;
    String level;
    if (t < 750) {
      severity = Severity.INFO;
      level = "info";
    } else if (t < 850) {
      severity = Severity.DEBUG;
      level = "debug";
    } else if (t < 940) {
      severity = Severity.WARNING;
      level = "warn";
    } else {
      severity = Severity.ERR;
      level = "error";
    }
    b.append("{\"level\":\"").append(level).append("\",\"ts\":");
    clock.appendEpochSeconds(b, 7).append(",\"caller\":\"");
    switch (severity) {
      case INFO -> {
        int status = http.status();
        b.append("handlers/").append(app.noun()).append(".go:").append(100 + app.index() % 80);
        b.append("\",\"msg\":\"request handled\",\"method\":\"").append(http.method());
        b.append("\",\"path\":\"");
        http.appendPath(b, app);
        b.append("\",\"status\":").append(status).append(",\"duration\":");
        Dice.appendDecimal(b, dice.latencyMicros(9000), 6).append(",\"request_id\":\"");
        dice.appendUuid(b);
        b.append('"');
      }
      case DEBUG -> {
        b.append("store/cache.go:88\",\"msg\":\"cache ").append(dice.percent(75) ? "hit" : "miss");
        b.append("\",\"key\":\"").append(app.noun()).append(':').append(dice.entityId(2_000_000));
        b.append('"');
      }
      case WARNING -> {
        b.append("client/http.go:64\",\"msg\":\"retrying request\",\"url\":\"http://");
        b.append(app.peer()).append(".apps.internal:8080/api/v1/").append(app.noun());
        b.append("\",\"attempt\":").append(1 + dice.below(3)).append(",\"error\":\"context");
        b.append(" deadline exceeded (Client.Timeout exceeded while awaiting headers)\"");
      }
      default -> {
        b.append("events/publisher.go:77\",\"msg\":\"failed to publish event\",\"topic\":\"");
        b.append(app.noun()).append("-events\",\"error\":\"kafka: client has run out of available");
        b.append(" brokers to talk to: dial tcp 10.0.40.").append(10 + dice.below(3));
        b.append(":9092: connect: connection refused\"");
      }
    }
    b.append('}');
    return severity;
  }

  // ---- Python ----

  private Severity flask(App app) {
    StringBuilder b = line;
    int t = dice.below(1000);
    if (t < 450) {
      int status = http.status();
      Dice.appendIpv4(b, http.clientAddress());
      clock.appendCommonLog(b.append(" - - [")).append("] \"").append(http.method()).append(' ');
      http.appendPath(b, app);
      b.append(" HTTP/1.1\" ").append(status).append(' ').append(http.responseBytes(status));
      b.append(" \"-\" \"").append(http.userAgent()).append('"');
      return status >= 500 ? Severity.ERR : Severity.INFO;
    }
    // Python's logging and gunicorn's error log write to stderr; only the access log to stdout.
    stream = Stream.ERR;
    if (t < 455) {
      traces.appendPython(b, app);
      return Severity.ERR;
    }
    if (t < 460) {
      clock
          .appendLocal(b.append('['), ' ', 0)
          .append(" +0000] [7] [INFO] Booting worker with pid: ");
      b.append(8 + dice.below(8));
      return Severity.INFO;
    }
    Severity severity;
    String module = app.noun().replace('-', '_');
    clock.appendLocal(b.append('['), ',', 3).append("] ");
    if (t < 780) {
      severity = Severity.INFO;
      b.append("INFO in ").append(module).append(": ");
      appendBusinessEvent(b, app);
    } else if (t < 900) {
      severity = Severity.DEBUG;
      String table = app.noun().replace('-', '_');
      b.append("DEBUG in db: SELECT ").append(table).append(".id, ").append(table);
      b.append(".status, ").append(table).append(".updated_at FROM ").append(table);
      b.append(" WHERE ").append(table).append(".id = %(id_1)s LIMIT %(param_1)s");
    } else if (t < 970) {
      severity = Severity.WARNING;
      b.append("WARNING in client: upstream ").append(app.peer()).append(" answered 503, retrying");
      b.append(" in ").append(1 + dice.below(5)).append('s');
    } else {
      severity = Severity.ERR;
      b.append("ERROR in ").append(module).append(": ").append(dice.pick(FAILURES));
    }
    return severity;
  }

  private Severity celery(App app) {
    stream = Stream.ERR;
    StringBuilder b = line;
    int t = dice.below(1000);
    if (t < 5) {
      traces.appendPython(b, app);
      return Severity.ERR;
    }
    String module = app.noun().replace('-', '_');
    int worker = 1 + dice.below(4);
    clock.appendLocal(b.append('['), ',', 3).append(": ");
    if (t < 400) {
      b.append("INFO/MainProcess] Task ").append(module).append(".tasks.sync_").append(module);
      dice.appendUuid(b.append('['));
      b.append("] received");
      return Severity.INFO;
    }
    if (t < 800) {
      b.append("INFO/ForkPoolWorker-").append(worker).append("] Task ").append(module);
      b.append(".tasks.sync_").append(module);
      dice.appendUuid(b.append('['));
      b.append("] succeeded in ");
      Dice.appendDecimal(b, dice.latencyMicros(400_000), 6).append("s: None");
      return Severity.INFO;
    }
    if (t < 940) {
      b.append("INFO/ForkPoolWorker-").append(worker).append("] ");
      appendBusinessEvent(b, app);
      return Severity.INFO;
    }
    if (t < 980) {
      b.append("WARNING/ForkPoolWorker-").append(worker).append("] Retrying task in 30s: ");
      b.append(dice.pick(FAILURES));
      return Severity.WARNING;
    }
    b.append("ERROR/ForkPoolWorker-").append(worker).append("] Task ").append(module);
    b.append(".tasks.sync_").append(module);
    dice.appendUuid(b.append('['));
    b.append("] raised unexpected: ConnectionError('").append(dice.pick(FAILURES)).append("')");
    return Severity.ERR;
  }

  // ---- Ruby ----

  private Severity rails(App app) {
    StringBuilder b = line;
    int t = dice.below(1000);
    Severity severity =
        t < 150
            ? Severity.DEBUG
            : t < 930 ? Severity.INFO : t < 975 ? Severity.WARNING : Severity.ERR;
    b.append(rubyLevelLetter(severity)).append(", [");
    clock.appendIsoLocal(b, 6).append(" #7] ").append(rubyLevel(severity)).append(" -- : [");
    int request = request(app);
    Dice.appendUuid(b, traceHigh[request], traceLow[request]);
    b.append("] ");
    String cls = app.className();
    String table = app.noun().replace('-', '_');
    if (t < 150) {
      b.append("  ").append(cls).append(" Load (");
      Dice.appendDecimal(b, 100 + dice.below(3000), 1).append("ms)  SELECT \"").append(table);
      b.append("\".* FROM \"").append(table).append("\" WHERE \"").append(table);
      b.append("\".\"id\" = $1 LIMIT $2  [[\"id\", ").append(dice.entityId(2_000_000));
      b.append("], [\"LIMIT\", 1]]");
    } else if (t < 400) {
      b.append("Started ").append(http.method()).append(" \"");
      http.appendPath(b, app);
      b.append("\" for ");
      Dice.appendIpv4(b, http.clientAddress());
      clock.appendLocal(b.append(" at "), '.', 0).append(" +0000");
    } else if (t < 550) {
      b.append("Processing by ").append(cls).append("Controller#");
      b.append(dice.percent(60) ? "show" : "index").append(" as JSON");
    } else if (t < 650) {
      b.append("  Parameters: {\"id\"=>\"").append(dice.entityId(2_000_000)).append("\"}");
    } else if (t < 930) {
      int status = http.status();
      b.append("Completed ").append(status).append(' ').append(HttpTraffic.reason(status));
      b.append(" in ");
      b.append(dice.latencyMicros(25_000) / 1000).append("ms (Views: ");
      Dice.appendDecimal(b, dice.below(50), 1).append("ms | ActiveRecord: ");
      Dice.appendDecimal(b, dice.below(300), 1).append("ms | Allocations: ");
      b.append(500 + dice.below(20_000)).append(')');
    } else if (t < 975) {
      b.append("Rack::Attack throttled request from ");
      Dice.appendIpv4(b, http.clientAddress());
      b.append(" (").append(app.noun()).append("/ip)");
    } else {
      b.append("ActiveRecord::RecordNotFound (Couldn't find ").append(cls);
      b.append(" with 'id'=").append(dice.entityId(2_000_000)).append("):");
    }
    return severity;
  }

  private Severity sidekiq(App app) {
    StringBuilder b = line;
    int t = dice.below(1000);
    clock.appendIso(b, 3).append(" pid=7 tid=");
    dice.appendHex(b, 4);
    b.append(" class=").append(app.className()).append("SyncJob jid=");
    dice.appendHex(b, 24);
    if (t < 450) {
      b.append(" INFO: start");
      return Severity.INFO;
    }
    if (t < 900) {
      b.append(" elapsed=");
      Dice.appendDecimal(b, dice.latencyMicros(300_000) / 1000, 3).append(" INFO: done");
      return Severity.INFO;
    }
    if (t < 970) {
      b.append(" INFO: ");
      appendBusinessEvent(b, app);
      return Severity.INFO;
    }
    b.append(" elapsed=");
    Dice.appendDecimal(b, dice.latencyMicros(300_000) / 1000, 3).append(" WARN: fail: ");
    b.append(dice.pick(FAILURES));
    return Severity.WARNING;
  }

  private static char rubyLevelLetter(Severity severity) {
    return rubyLevel(severity).trim().charAt(0);
  }

  private static String rubyLevel(Severity severity) {
    return switch (severity) {
      case DEBUG -> "DEBUG";
      case INFO, NOTICE -> " INFO";
      case WARNING -> " WARN";
      default -> "ERROR";
    };
  }

  // ---- nginx (staticfile buildpack) ----

  private Severity nginx(App app) {
    StringBuilder b = line;
    if (dice.percent(90)) {
      int status = http.status();
      b.append(app.route()).append(" - [");
      clock.appendCommonLog(b).append("] \"").append(http.method()).append(' ');
      http.appendPath(b, app);
      b.append(" HTTP/1.1\" ").append(status).append(' ').append(http.responseBytes(status));
      b.append(dice.percent(50) ? " \"-\" \"" : " \"https://" + app.route() + "/\" \"");
      b.append(http.userAgent()).append("\" ");
      Dice.appendIpv4(b, http.clientAddress());
      b.append(", ");
      Dice.appendIpv4(b, http.loadBalancer());
      b.append(" vcap_request_id:");
      dice.appendUuid(b);
      b.append(" response_time:");
      Dice.appendDecimal(b, dice.latencyMicros(2000) / 1000, 3);
      return Severity.INFO;
    }
    stream = Stream.ERR;
    clock.appendSlashed(b).append(" [error] 27#0: *").append(1 + dice.below(900_000));
    b.append(" open() \"/home/vcap/app/public");
    int pathStart = b.length();
    http.appendPath(b, app);
    String path = b.substring(pathStart);
    b.append("\" failed (2: No such file or directory), client: ");
    Dice.appendIpv4(b, http.loadBalancer());
    b.append(", server: localhost, request: \"GET ").append(path).append(" HTTP/1.1\", host: \"");
    b.append(app.route()).append('"');
    return Severity.ERR;
  }

  // ---- shared ----

  /** Appends a one-line business event, the bulk of what services log at INFO. */
  void appendBusinessEvent(StringBuilder m, App app) {
    String noun = app.noun();
    switch (dice.below(8)) {
      case 0 -> {
        m.append("Created ").append(noun).append(' ').append(dice.entityId(2_000_000));
        m.append(" for customer ").append(dice.entityId(300_000)).append(" with ");
        m.append(1 + dice.below(12)).append(" items (total ");
        Dice.appendDecimal(m, 100 + dice.below(50_000), 2).append(' ');
        m.append(dice.pick(CURRENCIES)).append(')');
      }
      case 1 -> {
        m.append("Updated ").append(noun).append(' ').append(dice.entityId(2_000_000));
        m.append(": status ").append(dice.pick(STATUSES)).append(" -> ");
        m.append(dice.pick(STATUSES));
      }
      case 2 -> {
        m.append("Fetched ").append(dice.below(200)).append(' ').append(noun);
        m.append(" records for customer ").append(dice.entityId(300_000)).append(" in ");
        m.append(dice.latencyMicros(8000) / 1000).append(" ms");
      }
      case 3 -> {
        m.append("Published ").append(app.className()).append("UpdatedEvent for ").append(noun);
        m.append(' ').append(dice.entityId(2_000_000)).append(" to topic ").append(noun);
        m.append("-events (partition ").append(dice.below(12)).append(", offset ");
        m.append(dice.below(40_000_000)).append(')');
      }
      case 4 -> {
        m.append("Cache '").append(noun).append("' refreshed: ").append(dice.below(50_000));
        m.append(" entries loaded in ").append(dice.latencyMicros(90_000) / 1000).append(" ms");
      }
      case 5 -> {
        m.append("User ").append(dice.pick(USERS)).append("@example.com accessed ").append(noun);
        m.append(' ').append(dice.entityId(2_000_000)).append(" from ");
        Dice.appendIpv4(m, http.clientAddress());
      }
      case 6 -> {
        m.append("Job ")
            .append(noun)
            .append("-cleanup finished: removed ")
            .append(dice.below(5000));
        m.append(" expired entries in ").append(dice.latencyMicros(200_000) / 1000).append(" ms");
      }
      default -> {
        m.append("Processed request ");
        dice.appendUuid(m);
        m.append(" for tenant ").append(app.space().org().name()).append(" in ");
        m.append(dice.latencyMicros(10_000) / 1000).append(" ms");
      }
    }
  }

  private void appendSql(StringBuilder m, App app) {
    String table = app.noun().replace('-', '_');
    String a = table.charAt(0) + "1_0";
    switch (dice.below(4)) {
      case 0 -> {
        m.append("select ");
        appendColumns(m, a);
        m.append(" from ").append(table).append(' ').append(a).append(" where ").append(a);
        m.append(".id=?");
      }
      case 1 -> {
        m.append("select ");
        appendColumns(m, a);
        m.append(" from ").append(table).append(' ').append(a).append(" where ").append(a);
        m.append(".customer_id=? order by ")
            .append(a)
            .append(".created_at desc fetch first ? rows only");
      }
      case 2 ->
          m.append("insert into ")
              .append(table)
              .append(
                  " (created_at,customer_id,status,total,updated_at,version,id) values (?,?,?,?,?,?,?)");
      default ->
          m.append("update ")
              .append(table)
              .append(" set status=?,updated_at=?,version=? where id=? and version=?");
    }
  }

  private static void appendColumns(StringBuilder m, String alias) {
    String[] columns = {
      "id", "created_at", "customer_id", "status", "total", "updated_at", "version"
    };
    for (int i = 0; i < columns.length; i++) {
      if (i > 0) {
        m.append(',');
      }
      m.append(alias).append('.').append(columns[i]);
    }
  }
}
