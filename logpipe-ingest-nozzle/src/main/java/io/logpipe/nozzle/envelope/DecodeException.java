package io.logpipe.nozzle.envelope;

/**
 * Input from the log stream that could not be decoded at all (not JSON, not a protobuf envelope,
 * cut short). The stream goes on; the input is counted and dead-lettered with {@link #getMessage()}
 * as the reason.
 */
public final class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public DecodeException(String message) {
    super(message, null, false, false);
  }
}
