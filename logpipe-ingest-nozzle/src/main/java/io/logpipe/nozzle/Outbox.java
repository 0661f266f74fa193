package io.logpipe.nozzle;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.ParseProblem;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue between the log stream and Kafka, and the threads that empty it.
 *
 * <p>The platform disconnects consumers that read slowly, so the stream readers never wait: {@link
 * #offer} returns at once, and when the queue is full the item is dropped and counted ({@code
 * logpipe_nozzle_drops_total{reason="queue_full"}}), with at most one log line per {@code
 * drop_log_interval}. Items are already encoded (the readers, one thread per connection, do the
 * costly work), so the publishing threads (one per connection: handing a record to the producer
 * compresses it, which one thread cannot do for several readers) only hand them to the producer:
 * while the publisher has capacity, and waiting while it has none (Kafka slow or down), which is
 * what fills the queue. Records of one app keep their order only within one connection's reading,
 * as the platform gives no order across connections either. Items Kafka does not acknowledge are
 * counted as dropped ({@code reason="kafka"}); an app record Kafka refuses for good (too large) is
 * dead-lettered.
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #offer} from the reader threads, {@link
 * #close(Duration)} after the readers stopped: it publishes what is queued for up to the grace
 * period and counts the rest as dropped ({@code reason="shutdown"}). Thread-safe.
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  /**
   * A value ready for Kafka.
   *
   * @param app true for an app record (the app topic), false for a metric or event envelope
   */
  record Encoded(byte[] key, byte[] value, long timestampMillis, boolean app) {}

  private final BlockingQueue<Object> queue;
  private final int capacity;
  private final RecordPublisher publisher;
  private final TopicWriter appTopic;
  private final TopicWriter metricsTopic;
  private final String deadLetterSource;
  private final Clock clock;
  private final NozzleMetrics metrics;
  private final long dropLogNanos;
  private final java.util.List<Thread> threads = new java.util.ArrayList<>();
  private final AtomicLong droppedSinceLog = new AtomicLong();
  private final AtomicLong droppedTotal = new AtomicLong();
  private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
  private volatile boolean stopping;
  private volatile long stopDeadline;

  Outbox(
      int capacity,
      int threads,
      RecordPublisher publisher,
      TopicWriter appTopic,
      TopicWriter metricsTopic,
      NozzleMetrics metrics,
      Duration dropLogInterval,
      String deadLetterSource,
      Clock clock) {
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.publisher = publisher;
    this.appTopic = appTopic;
    this.metricsTopic = metricsTopic;
    this.deadLetterSource = deadLetterSource;
    this.clock = clock;
    this.metrics = metrics;
    this.dropLogNanos = dropLogInterval.toNanos();
    for (int i = 1; i <= threads; i++) {
      Thread t = new Thread(this::run, "logpipe-nozzle-publisher-" + i);
      t.setDaemon(true);
      this.threads.add(t);
    }
    Gauge.builder("logpipe.nozzle.queue.size", queue, BlockingQueue::size)
        .description("Records and envelopes waiting for Kafka")
        .register(metrics.registry());
    Gauge.builder("logpipe.nozzle.queue.capacity", () -> capacity)
        .description("The most records and envelopes that wait for Kafka; more are dropped")
        .register(metrics.registry());
  }

  void start() {
    threads.forEach(Thread::start);
  }

  /**
   * Queues an {@link Encoded} value or a {@link DeadLetter}; never blocks.
   *
   * @return false if the queue was full and the item was dropped (counted)
   */
  boolean offer(Object item) {
    if (queue.offer(item)) {
      metrics.queued.increment();
      return true;
    }
    dropped("queue_full", 1);
    return false;
  }

  /** Items waiting. */
  int size() {
    return queue.size();
  }

  /** Items dropped so far, for any reason. */
  long dropped() {
    return droppedTotal.get();
  }

  private void dropped(String reason, long n) {
    metrics.drop(reason, n);
    droppedTotal.addAndGet(n);
    long since = droppedSinceLog.addAndGet(n);
    long now = System.nanoTime();
    long last = lastDropLog.get();
    if (now - last >= dropLogNanos && lastDropLog.compareAndSet(last, now)) {
      droppedSinceLog.addAndGet(-since);
      log.warn(
          "nozzle dropped {} records ({}) in the last {} s: the queue of {} is full because Kafka"
              + " takes records more slowly than the platform streams them; {} dropped in all",
          since,
          reason,
          Math.max(1, dropLogNanos / 1_000_000_000L),
          capacity,
          droppedTotal.get());
    }
  }

  private void run() {
    try {
      while (true) {
        if (stopping && System.nanoTime() - stopDeadline > 0) {
          return;
        }
        Object item = queue.poll(100, TimeUnit.MILLISECONDS);
        if (item == null) {
          if (stopping) {
            return;
          }
          continue;
        }
        while (!publisher.hasCapacity()) {
          if (stopping && System.nanoTime() - stopDeadline > 0) {
            dropped("shutdown", 1);
            return;
          }
          publisher.awaitCapacity(Duration.ofMillis(100));
        }
        publish(item);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("nozzle publisher stopped", e);
    }
  }

  private void publish(Object item) {
    try {
      if (item instanceof Encoded e) {
        if (e.app()) {
          appTopic.send(e.key(), e.value(), e.timestampMillis(), error -> delivered(e, error));
        } else {
          metricsTopic.send(e.key(), e.value(), e.timestampMillis(), this::deliveredMetric);
        }
      } else if (item instanceof DeadLetter d) {
        publisher
            .deadLetter(d)
            .whenComplete(
                (ok, error) -> {
                  if (error != null) {
                    dropped("kafka", 1);
                  }
                });
      }
    } catch (RuntimeException e) {
      log.warn("could not hand a record to Kafka", e);
      dropped("kafka", 1);
    }
  }

  private void delivered(Encoded e, PublishException error) {
    if (error == null) {
      metrics.published.increment();
    } else if (error.retriable()) {
      dropped("kafka", 1);
    } else {
      // Refused for good (too large): keep it, with the reason. Queued rather than written here,
      // on the producer's thread, which must not wait for the dead-letter topic's metadata.
      int keep = Math.min(e.value().length, EnvelopeRouter.DEAD_LETTER_RAW_LIMIT);
      String why =
          error.getMessage() + " (first " + keep + " of " + e.value().length + " bytes kept)";
      offer(
          new DeadLetter(
              clock.instant(),
              deadLetterSource,
              ParseProblem.ofBytes(why, e.value(), 0, keep),
              e.key() == null
                  ? Map.of()
                  : Map.of("key", new String(e.key(), java.nio.charset.StandardCharsets.UTF_8))));
    }
  }

  private void deliveredMetric(PublishException error) {
    if (error == null) {
      metrics.publishedMetrics.increment();
    } else {
      dropped("kafka", 1);
    }
  }

  /**
   * Publishes what is queued, for up to {@code grace}; what is left then is counted as dropped.
   * Call after the readers stopped.
   */
  void close(Duration grace) {
    stopDeadline = System.nanoTime() + grace.toNanos();
    stopping = true;
    long joinBy = System.nanoTime() + grace.toNanos() + 200_000_000L;
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        t.interrupt();
      }
    }
    int left = 0;
    while (queue.poll() != null) {
      left++;
    }
    if (left > 0) {
      dropped("shutdown", left);
    }
  }
}
