package io.logpipe.core.record;

/** Input that is not a valid record; the message names the field and what is wrong with it. */
public final class RecordFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public RecordFormatException(String message) {
    super(message);
  }

  public RecordFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
