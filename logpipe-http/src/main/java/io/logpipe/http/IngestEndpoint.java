package io.logpipe.http;

import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LenientRecordReader;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.ParseProblem;
import io.logpipe.core.record.RecordFormatException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/ingest}: newline-delimited JSON records in, an answer only after Kafka
 * acknowledged every accepted record.
 *
 * <p>Each non-blank line is one record, in the canonical schema or the minimal ingest form ({@link
 * LenientRecordReader}). A line that cannot be read is rejected with its line number and reason,
 * and (by default) written to the dead-letter topic; the other lines are still delivered. The
 * status says what happened to the batch as a whole:
 *
 * <ul>
 *   <li>200: every accepted line is in Kafka; {@code rejected} lines, if any, are listed;
 *   <li>400: no line could be read (nothing was delivered);
 *   <li>503 with {@code Retry-After}: some lines were not acknowledged by Kafka (listed with {@code
 *       "delivered": false}); the client should send those again. Lines acknowledged before the
 *       failure stay delivered, so retrying the whole batch duplicates them (at-least-once).
 * </ul>
 *
 * <p>Bodies are parsed on a bounded worker pool, never on the event loop; when the pool is full the
 * request gets 503 at once. When Kafka acknowledges more slowly than records arrive, workers wait
 * for capacity (the publisher's bound on unacknowledged bytes), so memory stays bounded.
 */
public final class IngestEndpoint implements HttpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(IngestEndpoint.class);

  /** Most per-line errors listed in one response; the counts always cover every line. */
  static final int MAX_LISTED_ERRORS = 100;

  private final RecordPublisher publisher;
  private final LenientRecordReader reader;
  private final HttpSettings settings;
  private final ExecutorService workers;
  private final Clock clock;
  private final Duration capacityWait;
  private final Counter accepted;
  private final Counter rejected;
  private final Counter failed;
  private final Counter bytesIn;
  private final Counter busy;
  private final Timer duration;
  private final DistributionSummary batchSize;

  /**
   * @param capacityWait how long a request may wait for Kafka to catch up before its remaining
   *     lines are failed with 503
   */
  public IngestEndpoint(
      RecordPublisher publisher,
      LenientRecordReader reader,
      HttpSettings settings,
      ExecutorService workers,
      Clock clock,
      Duration capacityWait,
      MeterRegistry registry) {
    this.publisher = publisher;
    this.reader = reader;
    this.settings = settings;
    this.workers = workers;
    this.clock = clock;
    this.capacityWait = capacityWait;
    this.accepted = records(registry, "accepted", "Records read and acknowledged by Kafka");
    this.rejected = records(registry, "rejected", "Lines that could not be read (bad input)");
    this.failed = records(registry, "failed", "Records Kafka did not acknowledge (answered 503)");
    this.bytesIn =
        Counter.builder("logpipe.ingest.bytes")
            .description("Request body bytes received (after decompression)")
            .baseUnit("bytes")
            .tag("source", "http")
            .register(registry);
    this.busy =
        Counter.builder("logpipe.http.ingest.busy")
            .description("Requests answered 503 at once because every ingest worker was busy")
            .register(registry);
    this.duration =
        Timer.builder("logpipe.http.ingest.duration")
            .description("From a complete request to its answer, Kafka acknowledgements included")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("logpipe.http.ingest.batch")
            .description("Lines per ingest request")
            .register(registry);
  }

  private static Counter records(MeterRegistry registry, String outcome, String description) {
    return Counter.builder("logpipe.ingest.records")
        .description(description)
        .tag("source", "http")
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    Timer.Sample sample = Timer.start();
    ByteBuf body = request.content().retain();
    String remote = remote(ctx.channel().remoteAddress());
    try {
      workers.execute(
          () -> {
            try {
              process(body, remote)
                  .whenComplete(
                      (outcome, error) -> {
                        sample.stop(duration);
                        if (error != null) {
                          log.warn("ingest request failed unexpectedly", error);
                          Responses.error(
                              ctx,
                              false,
                              HttpResponseStatus.INTERNAL_SERVER_ERROR,
                              "internal error");
                        } else {
                          respond(ctx, keepAlive, outcome);
                        }
                      });
            } catch (RuntimeException e) {
              log.warn("ingest request failed unexpectedly", e);
              Responses.error(
                  ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
            } finally {
              body.release();
            }
          });
    } catch (RejectedExecutionException e) {
      body.release();
      busy.increment();
      Responses.json(
          ctx,
          keepAlive,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          Map.of("error", "every ingest worker is busy; retry shortly"),
          Map.of("Retry-After", "1"));
    }
  }

  private static String remote(SocketAddress a) {
    return a instanceof InetSocketAddress
        ? ((InetSocketAddress) a).getHostString()
        : String.valueOf(a);
  }

  /** Per-line outcome of one request. */
  static final class Outcome {
    final AtomicInteger accepted = new AtomicInteger();
    int rejected;
    final AtomicInteger failed = new AtomicInteger();
    int lines;
    final List<Map<String, Object>> errors = new ArrayList<>();
    final List<Map<String, Object>> failures = new ArrayList<>();
    boolean truncatedErrors;

    synchronized void error(int line, String message) {
      rejected++;
      if (errors.size() < MAX_LISTED_ERRORS) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("line", line);
        e.put("error", message);
        errors.add(e);
      } else {
        truncatedErrors = true;
      }
    }

    synchronized void failure(int line, String message) {
      failed.incrementAndGet();
      if (failures.size() < MAX_LISTED_ERRORS) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("line", line);
        e.put("error", message);
        e.put("delivered", false);
        failures.add(e);
      } else {
        truncatedErrors = true;
      }
    }
  }

  /** Reads every line and publishes the good ones; completes when Kafka answered for all. */
  CompletableFuture<Outcome> process(ByteBuf body, String remote) {
    Outcome outcome = new Outcome();
    int length = body.readableBytes();
    bytesIn.increment(length);
    byte[] bytes;
    int base;
    if (body.hasArray()) {
      bytes = body.array();
      base = body.arrayOffset() + body.readerIndex();
    } else {
      bytes = new byte[length];
      body.getBytes(body.readerIndex(), bytes);
      base = 0;
    }
    Instant now = clock.instant();
    // One count of unanswered sends per request instead of a future per line; it starts at one
    // so that it cannot reach zero before every line has been read.
    Pending pending = new Pending(outcome);
    int maxLine = settings.maxLineSize().bytesAsInt();
    int lineNo = 0;
    int start = base;
    int end = base + length;
    boolean capacityLost = false;
    while (start < end) {
      int nl = indexOf(bytes, start, end, (byte) '\n');
      int lineEnd = nl < 0 ? end : nl;
      int next = nl < 0 ? end : nl + 1;
      lineNo++;
      int len = lineEnd - start;
      if (len > 0 && bytes[lineEnd - 1] == '\r') {
        len--;
      }
      if (isBlank(bytes, start, len)) {
        start = next;
        continue;
      }
      outcome.lines++;
      final int line = lineNo;
      if (len > maxLine) {
        reject(
            outcome,
            pending,
            line,
            "line is " + len + " bytes, longer than http.max_line_size " + settings.maxLineSize(),
            bytes,
            start,
            Math.min(len, maxLine),
            now,
            remote);
        start = next;
        continue;
      }
      LogRecord record;
      try {
        record = reader.read(bytes, start, len, now);
      } catch (RecordFormatException e) {
        reject(outcome, pending, line, e.getMessage(), bytes, start, len, now, remote);
        start = next;
        continue;
      }
      if (!capacityLost && !publisher.hasCapacity()) {
        try {
          capacityLost = !publisher.awaitCapacity(capacityWait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          capacityLost = true;
        }
      }
      if (capacityLost) {
        outcome.failure(
            line, "not sent: Kafka is not keeping up (waited " + capacityWait.toMillis() + " ms)");
        start = next;
        continue;
      }
      pending.add();
      publisher.publish(
          record,
          error -> {
            if (error == null) {
              outcome.accepted.incrementAndGet();
            } else {
              outcome.failure(line, error.getMessage());
            }
            pending.done();
          });
      start = next;
    }
    batchSize.record(outcome.lines);
    pending.done();
    return pending.all;
  }

  /** Counts sends not yet answered; completes {@link #all} when the last one is. */
  private static final class Pending {
    final AtomicInteger open = new AtomicInteger(1);
    final CompletableFuture<Outcome> all = new CompletableFuture<>();
    final Outcome outcome;

    Pending(Outcome outcome) {
      this.outcome = outcome;
    }

    void add() {
      open.incrementAndGet();
    }

    void done() {
      if (open.decrementAndGet() == 0) {
        all.complete(outcome);
      }
    }
  }

  private void reject(
      Outcome outcome,
      Pending pending,
      int line,
      String reason,
      byte[] bytes,
      int offset,
      int length,
      Instant now,
      String remote) {
    outcome.error(line, reason);
    if (settings.deadLetterRejected()) {
      DeadLetter letter =
          new DeadLetter(
              now,
              "http",
              ParseProblem.ofBytes(reason, bytes, offset, length),
              Map.of("line", Integer.toString(line), "remote", remote));
      // A dead letter that cannot be written does not fail the request: the client already has
      // the line and the reason. The publisher counts the failure.
      pending.add();
      publisher.deadLetter(letter).whenComplete((ok, e) -> pending.done());
    }
  }

  private void respond(ChannelHandlerContext ctx, boolean keepAlive, Outcome o) {
    int ok = o.accepted.get();
    int bad;
    int lost = o.failed.get();
    List<Map<String, Object>> listed;
    boolean truncated;
    synchronized (o) {
      bad = o.rejected;
      listed = new ArrayList<>(o.errors);
      listed.addAll(o.failures);
      truncated = o.truncatedErrors;
    }
    accepted.increment(ok);
    rejected.increment(bad);
    failed.increment(lost);
    listed.sort((a, b) -> Integer.compare((Integer) a.get("line"), (Integer) b.get("line")));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("accepted", ok);
    body.put("rejected", bad);
    body.put("failed", lost);
    if (!listed.isEmpty()) {
      body.put("errors", listed);
    }
    if (truncated) {
      body.put("errors_truncated", true);
    }
    HttpResponseStatus status;
    if (lost > 0) {
      status = HttpResponseStatus.SERVICE_UNAVAILABLE;
    } else if (o.lines == 0) {
      status = HttpResponseStatus.BAD_REQUEST;
      body.put("error", "the body holds no records: send one JSON object per line");
    } else if (ok == 0) {
      status = HttpResponseStatus.BAD_REQUEST;
    } else {
      status = HttpResponseStatus.OK;
    }
    Responses.json(
        ctx,
        keepAlive,
        status,
        body,
        status == HttpResponseStatus.SERVICE_UNAVAILABLE ? Map.of("Retry-After", "5") : Map.of());
  }

  private static int indexOf(byte[] b, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isBlank(byte[] b, int from, int len) {
    for (int i = from; i < from + len; i++) {
      if (b[i] != ' ' && b[i] != '\t') {
        return false;
      }
    }
    return true;
  }
}
