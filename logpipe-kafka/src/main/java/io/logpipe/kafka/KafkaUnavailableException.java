package io.logpipe.kafka;

/** Kafka did not answer in time: not reachable, or too slow. */
public final class KafkaUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
