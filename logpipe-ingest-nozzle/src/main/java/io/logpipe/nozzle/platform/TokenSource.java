package io.logpipe.nozzle.platform;

/**
 * Gives the {@code Authorization} header value for the platform's APIs. Thread-safe; {@link
 * #authorization()} may block while a token is fetched, so it is never called on a network thread.
 */
public interface TokenSource {
  /**
   * A header value such as {@code bearer eyJ...}, valid for a while yet.
   *
   * @throws TokenException if no token could be had
   */
  String authorization() throws TokenException;

  /**
   * Tells that {@code authorization} was refused (expired, revoked): the next {@link
   * #authorization()} fetches a new token, unless one was fetched since.
   */
  void invalidate(String authorization);
}
