package io.logpipe.syslog;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.pipeline.RetryingPublisher;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.syslog.SyslogFramer;
import io.logpipe.core.syslog.SyslogParser;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * What every connection of one listener shares: the parser, the publisher, the meters, the one
 * delivery callback that counts outcomes, and the server's shutdown state. Thread-safe.
 */
final class ListenerContext implements RecordPublisher.Delivery {
  final String name;
  final SyslogParser parser;
  final RetryingPublisher publisher;
  final ListenerMetrics metrics;
  final SyslogFramer.Options framerOptions;
  final Clock clock;
  private final boolean retries;
  private volatile boolean stopping;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  /**
   * @param retries the publisher retries retriable failures, so such a failure reaches {@link
   *     #done} only when it was abandoned at shutdown
   */
  ListenerContext(
      String name,
      SyslogParser parser,
      RetryingPublisher publisher,
      boolean retries,
      ListenerMetrics metrics,
      SyslogFramer.Options framerOptions,
      Clock clock) {
    this.name = name;
    this.parser = parser;
    this.publisher = publisher;
    this.retries = retries;
    this.metrics = metrics;
    this.framerOptions = framerOptions;
    this.clock = clock;
  }

  /**
   * The outcome of one record, on the publisher's thread. One instance serves every record of the
   * listener, so publishing allocates no callback per message.
   */
  @Override
  public void done(PublishException error) {
    if (error == null) {
      metrics.delivered.increment();
    } else if (!error.retriable()) {
      metrics.deadLettered.increment(); // the retrying publisher wrote the dead letter
    } else if (retries) {
      metrics.dropsShutdown.increment();
    } else {
      metrics.dropsDeliveryFailed.increment();
    }
    metrics.completed.increment();
    if (stopping) {
      checkDrained();
    }
  }

  /** Counts a message as handed over and publishes it. */
  void publish(LogRecord record) {
    long ahead = record.time().getEpochSecond() - record.observedTime().getEpochSecond();
    if (ahead > ListenerMetrics.SKEW_FUTURE_SECONDS) {
      metrics.skewedFuture.increment();
    } else if (ahead < -ListenerMetrics.SKEW_PAST_SECONDS) {
      metrics.skewedPast.increment();
    }
    metrics.published.increment();
    try {
      publisher.publish(record, this);
    } catch (RuntimeException e) {
      // The publisher contract says it reports failures through the callback; this is a bug.
      metrics.dropsInternal.increment();
      metrics.completed.increment();
    }
  }

  /** True once the server is stopping: connections must not resume reading. */
  boolean stopping() {
    return stopping;
  }

  /**
   * Marks the listener as stopping.
   *
   * @return completes when no record of this listener is in flight any more
   */
  CompletableFuture<Void> stop() {
    stopping = true;
    checkDrained();
    return drained;
  }

  private void checkDrained() {
    if (metrics.inFlight() == 0) {
      drained.complete(null);
    }
  }
}
