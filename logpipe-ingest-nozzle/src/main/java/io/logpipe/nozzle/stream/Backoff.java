package io.logpipe.nozzle.stream;

import java.time.Duration;

/**
 * Delays between connection attempts: {@code initial * 2^(attempt-1)}, at most {@code max}, of
 * which a random part of up to half is taken off ("equal jitter"), so that nozzles that lost their
 * streams together do not all come back at the same moment.
 *
 * @param initial the delay before the first retry
 * @param max the longest delay
 */
public record Backoff(Duration initial, Duration max) {

  /**
   * The delay before attempt {@code attempt} (1 for the first retry).
   *
   * @param random a value in [0, 1) that picks the jitter
   */
  public Duration delay(int attempt, double random) {
    long base = initial.toNanos();
    long cap = max.toNanos();
    long d = base;
    for (int i = 1; i < attempt && d < cap; i++) {
      d = d > cap / 2 ? cap : d * 2;
    }
    d = Math.min(d, cap);
    long jitter = (long) (d / 2 * Math.max(0, Math.min(random, 1)));
    return Duration.ofNanos(d - jitter);
  }
}
