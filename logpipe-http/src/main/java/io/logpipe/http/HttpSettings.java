package io.logpipe.http;

import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import io.logpipe.core.config.HostPort;
import java.time.Duration;

/**
 * The {@code http} section of the configuration.
 *
 * @param listen where the server binds; loopback by default
 * @param maxRequestSize the largest request body (after decompression); larger bodies get 413
 * @param maxLineSize the largest NDJSON line; a longer line is rejected, the others delivered
 * @param maxConnections open connections above which new ones are refused
 * @param idleTimeout a connection with no request in progress for this long is closed
 * @param workers threads that parse request bodies; 0 means one per core
 * @param deadLetterRejected also write rejected lines, with the reason, to the dead-letter topic
 */
public record HttpSettings(
    HostPort listen,
    DataSize maxRequestSize,
    DataSize maxLineSize,
    int maxConnections,
    Duration idleTimeout,
    int workers,
    boolean deadLetterRejected) {

  /** Reads the {@code http} section. */
  public static HttpSettings from(ConfigNode http) {
    HttpSettings s =
        new HttpSettings(
            http.hostPort("listen", new HostPort("127.0.0.1", 8080)),
            http.size(
                "max_request_size",
                DataSize.ofMebibytes(16),
                DataSize.ofKibibytes(1),
                DataSize.ofMebibytes(1024)),
            http.size(
                "max_line_size",
                DataSize.ofMebibytes(1),
                DataSize.ofBytes(256),
                DataSize.ofMebibytes(64)),
            http.integer("max_connections", 1024, 1, 1_000_000),
            http.duration(
                "idle_timeout",
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                Duration.ofHours(24)),
            http.integer("workers", 0, 0, 256),
            http.bool("dead_letter_rejected", true));
    if (s.maxLineSize().compareTo(s.maxRequestSize()) > 0) {
      http.problem(
          "max_line_size",
          s.maxLineSize() + " is larger than max_request_size " + s.maxRequestSize());
    }
    return s;
  }

  /** The number of worker threads to run. */
  public int workerThreads() {
    return workers > 0 ? workers : Math.max(2, Runtime.getRuntime().availableProcessors());
  }
}
