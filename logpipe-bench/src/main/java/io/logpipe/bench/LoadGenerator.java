package io.logpipe.bench;

import io.logpipe.bench.Foundation.App;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.StreamSupport;

/**
 * An endless, seeded, deterministic sequence of realistic log records from a simulated Cloud
 * Foundry foundation, for benchmarks and load tests.
 *
 * <p>What it produces:
 *
 * <ul>
 *   <li>About 70% app records from 500 apps (GUID ids, names such as {@code checkout-api}) in 120
 *       spaces of 40 orgs. App popularity follows Zipf's law, so a few apps are loud. Source types
 *       are mostly {@code APP/PROC/WEB} or {@code APP/PROC/WORKER}, then {@code RTR} (gorouter
 *       access lines), and a few {@code CELL}, {@code STG}, {@code API} and {@code SSH}; instance
 *       indexes {@code 0} to {@code 9} (RTR and API lines carry the router's or API VM's index);
 *       stdout and stderr. The app's own lines follow its runtime: Spring Boot (logback text or
 *       logstash JSON), Node.js (pino, morgan), Go (zap, slog), Python (gunicorn, Flask, Celery),
 *       Ruby (Rails, Sidekiq) or nginx.
 *   <li>About 30% component records from 200 BOSH VMs ({@code router-3}, {@code diego-cell-117},
 *       {@code api-2}) running gorouter, rep, garden, route_emitter, cloud_controller_ng, uaa, bbs,
 *       doppler, nats, mysql, bosh-agent, monit, kernel, sshd and cron, with pids, facilities and
 *       the VM's az, deployment and instance group as tags. Component messages are single lines.
 *   <li>Mostly info, then debug, warning and err, a little notice and crit. Lines from a few dozen
 *       bytes to multi-KB Java stack traces, Go panics and Python tracebacks (one message each).
 *   <li>Variable parts as in real logs: UUIDs, trace ids, IPs and ports, latencies, status codes,
 *       paths, user agents, SQL, JSON app logs and embedded timestamps in many styles.
 *   <li>Event times that advance from the start instant at a configurable mean rate with
 *       exponential gaps, in nanoseconds for app records and micro- or milliseconds for component
 *       records; the observed time a few milliseconds after the event time.
 * </ul>
 *
 * <p>Measured with {@code GenerateMain --seed 1 --bytes 100MB} (default start and rate): 138,548
 * records, 722 bytes per canonical NDJSON line on average (messages average about 350 bytes),
 * compress with {@code zstd -3} from 100.0 MB to 10.6 MB, a ratio of <b>9.5</b> (seeds 2 and 3: 9.3
 * and 9.2; 1 GB: 9.5). RFC 5424 lines from {@link #write} average 257 bytes and compress 8.7x.
 * Random ids (request ids, trace ids, UUIDs) and sub-second timestamp digits are most of what
 * remains after compression, as in real platform logs. The same seed, start and rate always give
 * the same bytes, on any JVM.
 *
 * <p>Not thread-safe: use one generator per thread, with different seeds.
 */
public final class LoadGenerator {
  /** The start instant of {@link #LoadGenerator(long)}; fixed, so that output is reproducible. */
  public static final Instant DEFAULT_START = Instant.parse("2026-03-02T09:00:00Z");

  /** The mean rate of {@link #LoadGenerator(long)}: a busy foundation. */
  public static final double DEFAULT_RECORDS_PER_SECOND = 20_000;

  /** The mean syslog line length that {@link #nextSyslog5424Line(Instant)} aims for. */
  public static final int DEFAULT_SYSLOG_LINE_BYTES = 256;

  private static final int APP_PERCENT = 70;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final String[] INDEXES = new String[16];

  static {
    for (int i = 0; i < INDEXES.length; i++) {
      INDEXES[i] = Integer.toString(i);
    }
  }

  private final Dice dice;
  private final Foundation foundation;
  private final ClockText clock = new ClockText();
  private final Popularity appMix;
  private final HttpTraffic http;
  private final AppLogLines appLines;
  private final PlatformEventLines platformLines;
  private final ComponentLogLines componentLines;
  private final double meanGapNanos;
  private final StringBuilder syslog = new StringBuilder(4096);
  private long nowNanos;

  /** The running average of syslog line lengths, for the target it was kept for. */
  private int syslogTarget;

  private long syslogLines;
  private long syslogBytes;

  /** A generator starting at {@link #DEFAULT_START} at {@link #DEFAULT_RECORDS_PER_SECOND}. */
  public LoadGenerator(long seed) {
    this(seed, DEFAULT_START, DEFAULT_RECORDS_PER_SECOND);
  }

  /**
   * A generator whose first record is stamped just after {@code start}.
   *
   * @param seed decides everything: the foundation's apps and hosts and every record
   * @param start the simulated time of the first record; between 1970 and 2255
   * @param recordsPerSecond the mean rate at which simulated time advances, per record
   */
  public LoadGenerator(long seed, Instant start, double recordsPerSecond) {
    Objects.requireNonNull(start, "start");
    if (!(recordsPerSecond > 0) || Double.isInfinite(recordsPerSecond)) {
      throw new IllegalArgumentException(
          "records per second must be positive: " + recordsPerSecond);
    }
    if (start.isBefore(Instant.EPOCH) || start.getEpochSecond() > 9_000_000_000L) {
      throw new IllegalArgumentException("start must be between 1970 and 2255: " + start);
    }
    this.dice = new Dice(seed);
    this.foundation = new Foundation(seed, start.getEpochSecond());
    this.appMix = Popularity.zipf(foundation.apps.length, 1.1);
    this.http = new HttpTraffic(dice, clock, seed);
    this.appLines =
        new AppLogLines(dice, clock, http, new StackTraces(dice), foundation.apps.length);
    this.platformLines = new PlatformEventLines(dice, http);
    this.componentLines = new ComponentLogLines(foundation, dice, clock, http, appMix, seed);
    this.meanGapNanos = NANOS_PER_SECOND / recordsPerSecond;
    // Events are stamped up to 3 ms before the platform sees them; start late enough for that.
    this.nowNanos = epochNanos(start) + 3_000_000;
  }

  /** The next record: an app record or a component record. */
  public LogRecord next() {
    advance();
    return dice.below(100) < APP_PERCENT ? app(nowNanos) : component(nowNanos);
  }

  /** The next record, always a component record. */
  public LogRecord nextComponent() {
    advance();
    return component(nowNanos);
  }

  /** The simulated time of the last record drawn (or the start, before the first). */
  public Instant simulatedTime() {
    return instant(nowNanos);
  }

  /** An endless stream of {@link #next()} records; limit it. Consumes this generator. */
  public java.util.stream.Stream<LogRecord> records() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
  }

  /** An endless iterator of {@link #next()} records. */
  public Iterator<LogRecord> iterator() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public LogRecord next() {
        return LoadGenerator.this.next();
      }
    };
  }

  /** The next record as canonical JSON followed by {@code '\n'}. */
  public byte[] nextNdjsonLine() {
    byte[] json = LogRecordJson.encode(next());
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /**
   * The next component record as an RFC 5424 line (without a terminator), stamped with the
   * generator's simulated time. Line lengths average about {@link #DEFAULT_SYSLOG_LINE_BYTES}.
   */
  public String nextSyslog5424Line() {
    return syslogLine(true, 0, DEFAULT_SYSLOG_LINE_BYTES);
  }

  /**
   * The next component record as an RFC 5424 line (without a terminator), stamped a few
   * milliseconds before {@code now}, so that a receiver that checks timestamps (Kafka's {@code
   * message.timestamp.*.max.ms}) accepts it. Does not move the simulated time. Line lengths average
   * about {@link #DEFAULT_SYSLOG_LINE_BYTES}.
   */
  public String nextSyslog5424Line(Instant now) {
    return nextSyslog5424Line(now, DEFAULT_SYSLOG_LINE_BYTES);
  }

  /**
   * As {@link #nextSyslog5424Line(Instant)}, with lines of {@code averageBytes} on average. Lines
   * keep their natural shape; while the running average is below the target the generator keeps
   * only lines at least as long as the target, while above it only shorter ones. The natural mix
   * averages about 445 bytes (gorouter access, Cloud Controller and rep lines are long); lower
   * targets favour bosh-agent, kernel, sshd and cron lines. Targets from about 200 to 600 bytes are
   * met; changing the target restarts the running average.
   */
  public String nextSyslog5424Line(Instant now, int averageBytes) {
    if (averageBytes <= 0) {
      throw new IllegalArgumentException("average line length must be positive: " + averageBytes);
    }
    return syslogLine(false, epochNanos(now), averageBytes);
  }

  private String syslogLine(boolean atSimulatedTime, long atNanos, int averageBytes) {
    if (averageBytes != syslogTarget) {
      syslogTarget = averageBytes;
      syslogLines = 0;
      syslogBytes = 0;
    }
    boolean wantLong = syslogBytes < (long) averageBytes * syslogLines;
    for (int attempt = 0; ; attempt++) {
      LogRecord r;
      if (atSimulatedTime) {
        advance();
        r = component(nowNanos);
      } else {
        r = component(atNanos);
      }
      syslog.setLength(0);
      Syslog5424.append(syslog, r);
      int length = syslog.length();
      // Steer the running mean: when behind, keep only long lines; when ahead, only short ones.
      if ((length >= averageBytes) == wantLong || attempt == 32) {
        syslogLines++;
        syslogBytes += length;
        return syslog.toString();
      }
    }
  }

  /** How many records and bytes {@link #write} wrote. */
  public record Written(long records, long bytes) {}

  /**
   * Writes records as lines until {@code maxRecords} records or at least {@code maxBytes} bytes
   * have been written, whichever comes first. Syslog lines carry the simulated time.
   *
   * @param out receives the lines; buffered here, flushed but not closed
   */
  public Written write(OutputStream out, LineFormat format, long maxRecords, long maxBytes)
      throws IOException {
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 20);
    long records = 0;
    long bytes = 0;
    while (records < maxRecords && bytes < maxBytes) {
      byte[] line =
          switch (format) {
            case NDJSON -> LogRecordJson.encode(next());
            case SYSLOG5424 -> nextSyslog5424Line().getBytes(StandardCharsets.UTF_8);
          };
      buffered.write(line);
      buffered.write('\n');
      records++;
      bytes += line.length + 1;
    }
    buffered.flush();
    return new Written(records, bytes);
  }

  /**
   * Writes records to a new or truncated file; see {@link #write(OutputStream, LineFormat, long,
   * long)}.
   */
  public Written write(Path file, LineFormat format, long maxRecords, long maxBytes)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      return write(out, format, maxRecords, maxBytes);
    }
  }

  private void advance() {
    nowNanos += 1 + (long) dice.exponential(meanGapNanos);
  }

  private LogRecord app(long atNanos) {
    App app = foundation.apps[appMix.draw(dice)];
    int instance = dice.below(app.instances());
    // The app wrote the line a little before the platform stamped it.
    long eventNanos = atNanos - dice.below(3_000_000);
    clock.set(eventNanos);
    LogRecord.Builder b =
        LogRecord.app()
            .time(instant(eventNanos))
            .observedTime(instant(truncate(atNanos + observationDelay(), 1000)))
            .appId(app.id())
            .appName(app.name())
            .spaceId(app.space().id())
            .spaceName(app.space().name())
            .orgId(app.space().org().id())
            .orgName(app.space().org().name());
    int t = dice.below(1000);
    if (t < 30) {
      b.sourceType("CELL").instance(INDEXES[instance]);
      platformLines.cell(b, app, instance);
    } else if (t < 45) {
      b.sourceType("STG").instance(INDEXES[0]);
      platformLines.staging(b, app);
    } else if (t < 55) {
      int api = dice.below(foundation.hosts(Foundation.Role.API).length);
      b.sourceType("API").instance(INDEXES[api]);
      platformLines.api(b, app, instance, eventNanos);
    } else if (t < 60) {
      b.sourceType("SSH").instance(INDEXES[instance]);
      platformLines.ssh(b, http.loadBalancer());
    } else if (app.web() && t < 240) {
      int router = dice.below(foundation.hosts(Foundation.Role.ROUTER).length);
      b.sourceType("RTR").instance(INDEXES[router]);
      platformLines.router(b, app, instance);
    } else {
      b.sourceType(app.web() ? "APP/PROC/WEB" : "APP/PROC/WORKER").instance(INDEXES[instance]);
      appLines.write(b, app, instance);
    }
    return b.build();
  }

  private LogRecord component(long atNanos) {
    // The daemon writes its own nanosecond time into the text; the syslog header that becomes the
    // record time carries micro- or milliseconds.
    long eventNanos = atNanos - dice.below(2_000_000);
    clock.set(eventNanos);
    eventNanos = truncate(eventNanos, dice.percent(70) ? 1000 : 1_000_000);
    LogRecord.Builder b =
        LogRecord.component()
            .time(instant(eventNanos))
            .observedTime(instant(truncate(atNanos + observationDelay(), 1000)));
    componentLines.write(b);
    return b.build();
  }

  /** Transport and batching delay: a millisecond or two, sometimes much more. */
  private long observationDelay() {
    return 200_000 + (long) dice.exponential(2_000_000);
  }

  private static long truncate(long nanos, long unit) {
    return nanos - Math.floorMod(nanos, unit);
  }

  private static long epochNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), NANOS_PER_SECOND), t.getNano());
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochNanos, NANOS_PER_SECOND), Math.floorMod(epochNanos, NANOS_PER_SECOND));
  }
}
