package io.logpipe.nozzle;

import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.ParseProblem;
import io.logpipe.nozzle.envelope.Envelope;
import io.logpipe.nozzle.envelope.EnvelopeType;
import io.logpipe.nozzle.platform.AppNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the stream readers hand their envelopes to, on their own threads: counts each envelope,
 * leaves out types that were not asked for and records the filters reject, maps logs to app records
 * (encoded here, as canonical JSON, so that the costly work is spread over the connections'
 * threads) and other envelopes to metric JSON, and queues the result for Kafka without waiting.
 * Input that could not be decoded is counted and dead-lettered (its first 16 KiB), and the stream
 * goes on.
 *
 * <p>Thread-safe: the readers share it; the metric encoder is per thread.
 */
final class EnvelopeRouter {
  /** Longest part of undecodable input kept in its dead letter. */
  static final int DEAD_LETTER_RAW_LIMIT = 16 * 1024;

  private final Set<EnvelopeType> types;
  private final EnvelopeMapper mapper;
  private final EnvelopeFilter filter;
  private final AppNames names;
  private final Outbox outbox;
  private final NozzleMetrics metrics;
  private final String datacenter;
  private final String deadLetterSource;
  private final Clock clock;
  private final ThreadLocal<MetricJson> metricJson = ThreadLocal.withInitial(MetricJson::new);

  EnvelopeRouter(
      Set<EnvelopeType> types,
      EnvelopeMapper mapper,
      EnvelopeFilter filter,
      AppNames names,
      Outbox outbox,
      NozzleMetrics metrics,
      String datacenter,
      String deadLetterSource,
      Clock clock) {
    this.types = types;
    this.mapper = mapper;
    this.filter = filter;
    this.names = names;
    this.outbox = outbox;
    this.metrics = metrics;
    this.datacenter = datacenter;
    this.deadLetterSource = deadLetterSource;
    this.clock = clock;
  }

  /** The time to stamp as observed on what a reader just read. */
  Instant now() {
    return clock.instant();
  }

  void envelopes(List<Envelope> batch, Instant observed) {
    for (int i = 0; i < batch.size(); i++) {
      envelope(batch.get(i), observed);
    }
  }

  void envelope(Envelope e, Instant observed) {
    EnvelopeType type = e.type();
    metrics.envelope(type);
    if (!types.contains(type)) {
      metrics.filtered("event_type");
      return;
    }
    if (e.message() instanceof Envelope.Log log) {
      LogRecord r = mapper.toRecord(e, log, observed);
      String why =
          filter.reject(r.appId(), r.appName(), r.spaceId(), r.spaceName(), r.orgId(), r.orgName());
      if (why != null) {
        metrics.filtered(why);
        return;
      }
      String key = r.kafkaKey();
      outbox.offer(
          new Outbox.Encoded(
              key == null ? null : key.getBytes(StandardCharsets.UTF_8),
              LogRecordJson.encode(r),
              observed.toEpochMilli(),
              true));
      return;
    }
    AppNames.AppInfo info = names != null ? names.lookup(e.sourceId()) : null;
    Map<String, String> tags = e.tags();
    String appName = info != null && info.appName() != null ? info.appName() : tags.get("app_name");
    String why =
        filter.reject(
            e.sourceId(),
            appName,
            info != null ? info.spaceId() : tags.get("space_id"),
            info != null ? info.spaceName() : tags.get("space_name"),
            info != null ? info.orgId() : tags.get("organization_id"),
            info != null ? info.orgName() : tags.get("organization_name"));
    if (why != null) {
      metrics.filtered(why);
      return;
    }
    byte[] json = metricJson.get().encode(e, observed, info, datacenter);
    outbox.offer(
        new Outbox.Encoded(
            e.sourceId().getBytes(StandardCharsets.UTF_8), json, observed.toEpochMilli(), false));
  }

  /**
   * Input that could not be decoded: counted by {@code reason}, and dead-lettered with {@code
   * detail} and the first 16 KiB of the input.
   */
  void undecodable(String reason, String detail, byte[] raw, int offset, int length, String where) {
    metrics.decodeError(reason);
    int keep = Math.min(length, DEAD_LETTER_RAW_LIMIT);
    String why =
        length > keep ? detail + " (first " + keep + " of " + length + " bytes kept)" : detail;
    outbox.offer(
        new DeadLetter(
            clock.instant(),
            deadLetterSource,
            ParseProblem.ofBytes(why, raw, offset, keep),
            Map.of("connection", where)));
  }
}
