package io.logpipe.nozzle;

import io.logpipe.core.pipeline.RecordPublisher;

/**
 * Where metric and event envelopes go: a Kafka topic of their own (the app wires it to the
 * publisher's producer, so that its in-flight bound covers them too). Thread-safe.
 */
@FunctionalInterface
public interface EnvelopeTopic {
  /**
   * Sends one envelope; {@code callback} is told once whether Kafka acknowledged it, on the
   * producer's thread.
   *
   * @param key the Kafka key (the source id), UTF-8
   * @param value the envelope as JSON ({@code docs/nozzle.md})
   * @param timestampMillis the Kafka timestamp (the observed time)
   */
  void send(byte[] key, byte[] value, long timestampMillis, RecordPublisher.Delivery callback);
}
