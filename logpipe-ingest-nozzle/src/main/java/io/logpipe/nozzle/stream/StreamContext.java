package io.logpipe.nozzle.stream;

import io.logpipe.nozzle.NozzleMetrics;
import io.logpipe.nozzle.platform.TokenSource;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every stream of one nozzle shares, whichever protocol it speaks: where envelopes go, the
 * meters, the threads, the token, TLS, the timeouts and the reconnect backoff. Made once by the
 * nozzle; every part is thread-safe.
 *
 * @param listener takes what the streams read
 * @param group the network threads the streams are read on
 * @param connector the one thread connection attempts run on (they may wait for a token)
 * @param ssl the TLS context for {@code https} and {@code wss}
 * @param connectTimeout how long a connection, its TLS handshake included, may take
 * @param readTimeout how long a stream may stay silent before it is connected again
 * @param connectedStreams counts streams that are connected now (a gauge)
 */
public record StreamContext(
    StreamListener listener,
    NozzleMetrics metrics,
    EventLoopGroup group,
    ScheduledExecutorService connector,
    TokenSource tokens,
    SslContext ssl,
    Duration connectTimeout,
    Duration readTimeout,
    Backoff backoff,
    AtomicInteger connectedStreams) {}
