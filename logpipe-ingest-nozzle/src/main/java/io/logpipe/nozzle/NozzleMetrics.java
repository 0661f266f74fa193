package io.logpipe.nozzle;

import io.logpipe.nozzle.envelope.EnvelopeType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nozzle's meters ({@code logpipe_nozzle_*} in Prometheus; listed in {@code docs/nozzle.md}).
 * Counters that are hit per envelope are created once; the rest on first use. Thread-safe.
 */
public final class NozzleMetrics {
  private final MeterRegistry registry;
  private final String api;
  private final Map<EnvelopeType, Counter> envelopes = new EnumMap<>(EnvelopeType.class);
  private final Map<String, Counter> byName = new ConcurrentHashMap<>();
  final Counter queued;
  final Counter published;
  final Counter publishedMetrics;
  final Counter enrichedFromTags;
  final Counter enrichedFromCache;
  final Counter notEnriched;

  public NozzleMetrics(MeterRegistry registry, String api) {
    this.registry = registry;
    this.api = api;
    for (EnvelopeType t : EnvelopeType.values()) {
      envelopes.put(
          t,
          Counter.builder("logpipe.nozzle.envelopes")
              .description("Envelopes read and decoded from the platform's log stream")
              .tag("api", api)
              .tag("type", t.id())
              .register(registry));
    }
    queued =
        Counter.builder("logpipe.nozzle.queued")
            .description("Records and metric envelopes put on the queue to Kafka")
            .register(registry);
    published =
        Counter.builder("logpipe.nozzle.published")
            .description("Records and envelopes Kafka acknowledged")
            .tag("topic", "logs")
            .register(registry);
    publishedMetrics =
        Counter.builder("logpipe.nozzle.published")
            .description("Records and envelopes Kafka acknowledged")
            .tag("topic", "metrics")
            .register(registry);
    enrichedFromTags = enrichment("tags");
    enrichedFromCache = enrichment("cloud_controller");
    notEnriched = enrichment("none");
  }

  private Counter enrichment(String source) {
    return Counter.builder("logpipe.nozzle.enrichment")
        .description(
            "App records by where their app, space and org names came from (envelope tags, the"
                + " Cloud Controller cache, or none yet)")
        .tag("source", source)
        .register(registry);
  }

  /** The registry, for gauges of the parts. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The API label. */
  public String api() {
    return api;
  }

  void envelope(EnvelopeType t) {
    envelopes.get(t).increment();
  }

  /** One or more envelopes dropped (reason: queue_full, kafka, shutdown). */
  public void drop(String reason, long n) {
    counter(
            "logpipe.nozzle.drops",
            "Records and envelopes lost: queue full, Kafka did not take them, stop",
            "reason",
            reason)
        .increment(n);
  }

  /** A record or envelope filtered out (reason: event_type, org, space, app). */
  public void filtered(String reason) {
    counter("logpipe.nozzle.filtered", "Records left out by nozzle.filters", "reason", reason)
        .increment();
  }

  /** Input that could not be decoded. */
  public void decodeError(String reason) {
    counter(
            "logpipe.nozzle.decode.errors",
            "Stream input that could not be decoded (counted, dead-lettered, the stream goes on)",
            "reason",
            reason)
        .increment();
  }

  /** A stream ended and is connected again (reason: closing, eof, idle_timeout, auth, ...). */
  public void reconnect(String reason) {
    counter(
            "logpipe.nozzle.reconnects",
            "Streams that ended or failed to connect and were connected again, by reason",
            "reason",
            reason)
        .increment();
  }

  /** An SSE heartbeat (kind heartbeat) or a WebSocket ping (kind ping) from the platform. */
  public void keepAlive(String kind) {
    counter("logpipe.nozzle.keepalives", "Heartbeats (v2) and pings (v1) received", "kind", kind)
        .increment();
  }

  /** A token request to UAA (outcome: ok, error). */
  public void tokenFetch(String outcome) {
    counter("logpipe.nozzle.token.fetches", "Token requests to UAA", "outcome", outcome)
        .increment();
  }

  /** A request to the Cloud Controller (outcome: ok, unauthorized, error, throttled). */
  public void cloudControllerRequest(String outcome) {
    counter(
            "logpipe.nozzle.cloud.controller.requests",
            "Requests to the Cloud Controller for app names (throttled: skipped for the budget)",
            "outcome",
            outcome)
        .increment();
  }

  private Counter counter(String name, String description, String tag, String value) {
    return byName.computeIfAbsent(
        name + '|' + value,
        k ->
            Counter.builder(name)
                .description(description)
                .tag("api", api)
                .tag(tag, value)
                .register(registry));
  }
}
