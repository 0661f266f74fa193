package io.logpipe.nozzle.platform;

/** No token could be had from UAA; the message says why (never the secret). */
public final class TokenException extends Exception {
  private static final long serialVersionUID = 1L;

  public TokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
