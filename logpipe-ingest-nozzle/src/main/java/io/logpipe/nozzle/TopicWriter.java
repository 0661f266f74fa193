package io.logpipe.nozzle;

import io.logpipe.core.pipeline.RecordPublisher;

/**
 * Writes prepared values to one Kafka topic: the app topic (records already encoded as canonical
 * JSON by the stream readers) or the metrics topic. The app wires it to the publisher's producer,
 * so that the publisher's in-flight bound covers these values too. Thread-safe; never blocks.
 */
@FunctionalInterface
public interface TopicWriter {
  /**
   * Sends one value; {@code callback} is told once whether Kafka acknowledged it, on the producer's
   * thread.
   *
   * @param key the Kafka key (app id or source id), UTF-8; null for none
   * @param value the JSON
   * @param timestampMillis the Kafka timestamp (the observed time)
   */
  void send(byte[] key, byte[] value, long timestampMillis, RecordPublisher.Delivery callback);
}
