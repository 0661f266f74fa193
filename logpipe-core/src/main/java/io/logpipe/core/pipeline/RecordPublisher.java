package io.logpipe.core.pipeline;

import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Hands records to the hub (Kafka) and says when they are durable. Every ingest path depends on
 * this interface only, never on Kafka itself.
 *
 * <p>Delivery contract: the future of {@link #publish} completes normally only after the hub
 * acknowledged the record ({@code acks=all}); it completes exceptionally with a {@link
 * PublishException} when the record could not be delivered (the hub was unreachable for longer than
 * the delivery timeout, the record was too large, the publisher was closed). A failure is always
 * reported to the caller and counted; it is never dropped silently.
 *
 * <p>Backpressure: the publisher bounds the bytes it holds that the hub has not acknowledged yet.
 * {@link #publish} never blocks; callers that produce faster than the hub drains check {@link
 * #hasCapacity()} and either wait ({@link #awaitCapacity}) or stop reading their input until {@link
 * #onCapacity} fires. Callers may overshoot the bound by what they publish between two checks.
 *
 * <p>Thread-safe. Futures complete on the publisher's I/O thread: callbacks must not block.
 */
public interface RecordPublisher {

  /** Publishes one record; see the class documentation for the contract. */
  default CompletableFuture<Void> publish(LogRecord record) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    publish(
        record,
        error -> {
          if (error == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(error);
          }
        });
    return done;
  }

  /**
   * Publishes one record and calls {@code callback} once, with null when Kafka acknowledged it or
   * with the {@link PublishException} when it did not. The cheaper form for hot paths that track
   * many records without a future each. The callback runs on the publisher's I/O thread (or the
   * caller's, for an immediate failure) and must not block.
   */
  void publish(LogRecord record, Delivery callback);

  /** Told once whether a record was delivered. */
  @FunctionalInterface
  interface Delivery {
    /**
     * @param error null when the hub acknowledged the record, else why it did not
     */
    void done(PublishException error);
  }

  /** Publishes input that could not be parsed to the dead-letter topic, with the same contract. */
  CompletableFuture<Void> deadLetter(DeadLetter letter);

  /** True while the bytes awaiting acknowledgement are below the bound. */
  boolean hasCapacity();

  /**
   * Blocks until {@link #hasCapacity()} or the timeout passes.
   *
   * @return true if there is capacity
   */
  boolean awaitCapacity(Duration timeout) throws InterruptedException;

  /**
   * Runs {@code action} once, as soon as there is capacity (at once if there is now). The action
   * runs on the publisher's I/O thread or the caller's; it must not block.
   */
  void onCapacity(Runnable action);
}
