package io.logpipe.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Answers "is Kafka reachable?" for {@code /healthz}, asking the cluster at most once per {@code
 * cacheFor} so that a busy health checker cannot load the brokers. Thread-safe.
 */
public final class KafkaHealth {
  private final Admin admin;
  private final Duration timeout;
  private final Duration cacheFor;
  private final Clock clock;
  private Status last;

  public KafkaHealth(Admin admin, Duration timeout, Duration cacheFor, Clock clock) {
    this.admin = admin;
    this.timeout = timeout;
    this.cacheFor = cacheFor;
    this.clock = clock;
  }

  /**
   * What the last check found.
   *
   * @param reachable whether the cluster answered
   * @param clusterId its id, when it answered
   * @param brokers how many brokers it reported
   * @param error why it did not answer, when it did not
   * @param checkedAt when the check ran
   */
  public record Status(
      boolean reachable, String clusterId, int brokers, String error, Instant checkedAt) {}

  /** The cluster's status, from a check no older than {@code cacheFor}. */
  public synchronized Status check() {
    Instant now = clock.instant();
    if (last != null && last.checkedAt().plus(cacheFor).isAfter(now)) {
      return last;
    }
    try {
      DescribeClusterResult r =
          admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
      String id = r.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      int brokers = r.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
      last = new Status(true, id, brokers, null, now);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      last = new Status(false, null, 0, "interrupted", now);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      last =
          new Status(
              false, null, 0, cause.getClass().getSimpleName() + ": " + cause.getMessage(), now);
    }
    return last;
  }
}
