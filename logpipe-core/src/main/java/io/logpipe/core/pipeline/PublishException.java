package io.logpipe.core.pipeline;

/**
 * A record that the hub did not acknowledge. {@link #retriable()} tells whether sending the same
 * record again later can succeed (the hub was unreachable or slow) or not (the record is too large,
 * it was rejected as invalid).
 */
public final class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public PublishException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  /** True if sending the record again later may succeed. */
  public boolean retriable() {
    return retriable;
  }
}
