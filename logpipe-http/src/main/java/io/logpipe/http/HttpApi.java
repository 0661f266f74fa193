package io.logpipe.http;

/**
 * A set of endpoints that another module adds to the server, such as the query API. The server
 * knows nothing of what is behind them: a module depends on this one, not the other way round.
 *
 * <p>Lifecycle: {@link HttpServer#mount} calls {@link #register} before the server starts; when the
 * server stops accepting, {@link #stopStreams} is called so that long-lived responses (Server-Sent
 * Events) end and the stop does not wait the whole grace period for them.
 */
public interface HttpApi {
  /** Registers this API's routes with {@link HttpServer#route}. */
  void register(HttpServer server);

  /** Ends every long-lived response in progress; called once, when the server stops. */
  default void stopStreams() {}
}
