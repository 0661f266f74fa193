package io.logpipe.syslog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one listener ({@code listener} tag {@code udp}, {@code tcp} or {@code tls}),
 * registered once so that the hot path only increments. {@code docs/syslog.md} lists them.
 *
 * <p>Accounting that tests reconcile: every message read is counted in {@link #messages}; each one
 * then ends in exactly one of: delivered, a drop (by reason), dead-lettered; or is still in flight.
 * For UDP, datagrams the kernel dropped before logpipe read them are {@code
 * drops{reason=kernel_buffer}}.
 */
final class ListenerMetrics {
  /**
   * An event time this far ahead of the observed time is counted as skewed ({@code
   * direction=future}); Kafka would refuse it as a record timestamp (its default limit is 1 h).
   */
  static final long SKEW_FUTURE_SECONDS = 3600;

  /** An event time this far behind the observed time is counted as skewed ({@code past}). */
  static final long SKEW_PAST_SECONDS = 24 * 3600;

  final String listener;
  final Counter messages;
  final Counter bytes;
  final Counter parseProblems;
  final Counter truncated;
  final Counter protocolErrorsSkipped;
  final Counter protocolErrorsClosed;
  final Counter opened;
  final Counter refused;
  final Counter idleClosed;
  final Counter handshakeFailures;
  final Counter dropsBackpressure;
  final Counter dropsDeliveryFailed;
  final Counter dropsShutdown;
  final Counter dropsInternal;
  final Counter deadLettered;
  final Counter skewedFuture;
  final Counter skewedPast;
  final Timer backpressure;

  /** Records handed to the publisher, and those whose outcome is known; both only grow. */
  final LongAdder published = new LongAdder();

  final LongAdder completed = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger paused = new AtomicInteger();

  ListenerMetrics(String listener, boolean stream, MeterRegistry registry) {
    this.listener = listener;
    messages =
        counter(registry, "logpipe.syslog.messages", "Messages received (after framing)", null);
    bytes =
        Counter.builder("logpipe.syslog.bytes")
            .description("Bytes received (TLS: after decryption)")
            .baseUnit("bytes")
            .tag("listener", listener)
            .register(registry);
    parseProblems =
        counter(
            registry,
            "logpipe.syslog.parse.problems",
            "Messages that could not be parsed cleanly (kept, flagged with the reason and raw input)",
            null);
    truncated =
        counter(
            registry,
            "logpipe.syslog.truncated",
            "Messages longer than syslog.max_message_size, cut there and flagged",
            null);
    dropsBackpressure = drops(registry, "backpressure");
    dropsDeliveryFailed = drops(registry, "delivery_failed");
    dropsShutdown = drops(registry, "shutdown");
    dropsInternal = drops(registry, "internal_error");
    deadLettered =
        counter(
            registry,
            "logpipe.syslog.dead.lettered",
            "Records Kafka refused for good (too large), written to the dead-letter topic instead",
            null);
    skewedFuture = skewed(registry, "future");
    skewedPast = skewed(registry, "past");
    backpressure =
        Timer.builder("logpipe.syslog.backpressure")
            .description(
                stream
                    ? "Time connections spent not read because Kafka had no capacity"
                    : "Time spent dropping datagrams because Kafka had no capacity")
            .tag("listener", listener)
            .register(registry);
    FunctionCounter.builder("logpipe.syslog.delivered", delivered, LongAdder::sum)
        .description("Records Kafka acknowledged")
        .tag("listener", listener)
        .register(registry);
    Gauge.builder("logpipe.syslog.inflight", this, ListenerMetrics::inFlight)
        .description("Records handed to Kafka (or waiting for a retry) whose outcome is not known")
        .tag("listener", listener)
        .register(registry);
    if (stream) {
      protocolErrorsSkipped =
          counter(
              registry,
              "logpipe.syslog.protocol.errors",
              "Framing errors (RFC 6587); skipped: the stream went on; closed: the connection was closed",
              "skipped");
      protocolErrorsClosed =
          counter(
              registry,
              "logpipe.syslog.protocol.errors",
              "Framing errors (RFC 6587); skipped: the stream went on; closed: the connection was closed",
              "closed");
      opened = counter(registry, "logpipe.syslog.connections.opened", "Connections accepted", null);
      refused =
          counter(
              registry,
              "logpipe.syslog.connections.refused",
              "Connections closed at once because syslog.max_connections were open",
              null);
      idleClosed =
          counter(
              registry,
              "logpipe.syslog.connections.idle.closed",
              "Connections closed after syslog.idle_timeout without input",
              null);
      handshakeFailures =
          counter(
              registry,
              "logpipe.syslog.tls.handshake.failures",
              "TLS handshakes that failed (bad or missing client certificate, protocol mismatch)",
              null);
      Gauge.builder("logpipe.syslog.connections", connections, AtomicInteger::get)
          .description("Open connections")
          .tag("listener", listener)
          .register(registry);
      Gauge.builder("logpipe.syslog.connections.paused", paused, AtomicInteger::get)
          .description("Connections not read now because Kafka has no capacity (backpressure)")
          .tag("listener", listener)
          .register(registry);
    } else {
      protocolErrorsSkipped = null;
      protocolErrorsClosed = null;
      opened = null;
      refused = null;
      idleClosed = null;
      handshakeFailures = null;
    }
  }

  private Counter counter(MeterRegistry registry, String name, String description, String action) {
    Counter.Builder b = Counter.builder(name).description(description).tag("listener", listener);
    if (action != null) {
      b.tag("action", action);
    }
    return b.register(registry);
  }

  private Counter skewed(MeterRegistry registry, String direction) {
    return Counter.builder("logpipe.syslog.clock.skewed")
        .description(
            "Messages whose event time is over 1 h ahead of (future) or over 24 h behind (past)"
                + " the time logpipe received them; stored like any other")
        .tag("listener", listener)
        .tag("direction", direction)
        .register(registry);
  }

  private Counter drops(MeterRegistry registry, String reason) {
    return Counter.builder("logpipe.syslog.drops")
        .description("Messages that did not reach Kafka, by reason")
        .tag("listener", listener)
        .tag("reason", reason)
        .register(registry);
  }

  /** Records whose outcome is not known yet. */
  long inFlight() {
    // completed is read first: a record completed after that read is still counted as in flight.
    long done = completed.sum();
    return published.sum() - done;
  }
}
