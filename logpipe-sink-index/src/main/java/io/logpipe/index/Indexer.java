package io.logpipe.index;

import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index role: reads the log topics in its own consumer group and writes every record into the
 * {@link LogIndex}, exactly once.
 *
 * <ol>
 *   <li>On assignment, each partition is moved to the index's own position (the offsets stored in
 *       its commits), or to the beginning when the index has none. Kafka's committed offsets of the
 *       group are written too, but only so that lag shows in the usual tools; they are never read.
 *   <li>Each record is decoded and added; what is not a record is counted and passed over.
 *   <li>Every {@code refresh_interval} new records become searchable; every {@code commit_interval}
 *       (and on revocation and stop) the index is committed with its offsets.
 *   <li>Every hour, days past the retention are dropped.
 *   <li>On an error (a full disk, say), the index is rolled back to its last commit and reading
 *       resumes from there after a backoff; nothing escapes the loop.
 * </ol>
 *
 * <p>One thread, started by {@link #start}; {@link #close} commits and stops it.
 */
public final class Indexer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Indexer.class);
  private static final Duration RETENTION_CHECK = Duration.ofHours(1);

  /** Records behind the end of the topics above which refreshes are spaced out. */
  static final long CATCH_UP_LAG = 100_000;

  /** The refresh interval while catching up. */
  static final Duration CATCH_UP_REFRESH = Duration.ofSeconds(10);

  private final KafkaSettings kafka;
  private final String bootstrapServers;
  private final List<String> topics;
  private final IndexSettings settings;
  private final Supplier<LogIndex> reopen;
  private final Clock clock;
  private final Map<LogIndex.Outcome, Counter> outcomes = new EnumMap<>(LogIndex.Outcome.class);
  private final Counter errors;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile LogIndex index;
  private volatile boolean running = true;
  private volatile boolean crash;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  /**
   * @param index the open index
   * @param reopen opens the index again after an error rolled it back
   */
  public Indexer(
      KafkaSettings kafka,
      String bootstrapServers,
      List<String> topics,
      IndexSettings settings,
      LogIndex index,
      Supplier<LogIndex> reopen,
      MeterRegistry registry,
      Clock clock) {
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
    this.topics = List.copyOf(topics);
    this.settings = settings;
    this.index = index;
    this.reopen = reopen;
    this.clock = clock;
    for (LogIndex.Outcome o : LogIndex.Outcome.values()) {
      outcomes.put(
          o,
          Counter.builder("logpipe.index.records")
              .description("Records read by the index role, by what became of them")
              .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
    this.errors =
        Counter.builder("logpipe.index.errors")
            .description("Index failures that rolled the index back to its last commit")
            .register(registry);
  }

  /** The index being written (it changes after an error reopened it). */
  public LogIndex index() {
    return index;
  }

  /** Starts the indexing thread. */
  public synchronized void start() {
    thread = new Thread(this::run, "logpipe-indexer");
    thread.setDaemon(true);
    thread.start();
    log.info(
        "index: reading {} in consumer group {} from {}",
        topics,
        settings.consumerGroup(),
        bootstrapServers);
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Map<String, Object> props =
        KafkaClients.consumer(kafka, bootstrapServers, "logpipe-index", settings.consumerGroup());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    // After a crash the group waits this long before a restarted indexer gets the partitions.
    props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    return new KafkaConsumer<>(props);
  }

  private void run() {
    Duration backoff = Duration.ofSeconds(1);
    try {
      while (running) {
        try (KafkaConsumer<byte[], byte[]> c = newConsumer()) {
          consumer = c;
          if (!running) {
            break;
          }
          consume(c);
          backoff = Duration.ofSeconds(1);
        } catch (WakeupException e) {
          // close() asked us to stop.
        } catch (Exception e) {
          errors.increment();
          log.error(
              "index: failed ({}); rolling back to the last commit and reading again from there in {}",
              e.toString(),
              backoff,
              e);
          rollBack();
          sleep(backoff);
          backoff =
              backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                  ? Duration.ofSeconds(30)
                  : backoff.multipliedBy(2);
        } finally {
          consumer = null;
        }
      }
    } finally {
      stopped.countDown();
    }
  }

  private void rollBack() {
    try {
      index.close();
    } catch (RuntimeException e) {
      log.warn("index: error while closing after a failure", e);
    }
    while (running) {
      try {
        index = reopen.get();
        return;
      } catch (RuntimeException e) {
        log.error("index: cannot reopen ({}); trying again in 5 s", e.toString());
        sleep(Duration.ofSeconds(5));
      }
    }
  }

  private void sleep(Duration d) {
    try {
      long end = System.nanoTime() + d.toNanos();
      while (running && System.nanoTime() < end) {
        TimeUnit.MILLISECONDS.sleep(Math.min(100, d.toMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void consume(KafkaConsumer<byte[], byte[]> c) throws IOException {
    LogIndex idx = index;
    c.subscribe(
        topics,
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            try {
              idx.refresh();
              idx.commit();
            } catch (IOException e) {
              throw new IndexFailure(e);
            }
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            Map<TopicPartition, Long> known = idx.readPositions();
            Map<TopicPartition, Long> resume = idx.resumeOffsets();
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition tp : parts) {
              Long o = known.getOrDefault(tp, resume.get(tp));
              if (o == null) {
                fresh.add(tp);
              } else {
                c.seek(tp, o);
                idx.position(tp, o);
              }
            }
            if (!fresh.isEmpty()) {
              c.seekToBeginning(fresh);
            }
            log.info(
                "index: assigned {} partition(s); resuming from the index's own offsets ({} read"
                    + " from the beginning)",
                parts.size(),
                fresh.size());
          }
        });
    long refreshNanos = settings.refreshInterval().toNanos();
    long commitNanos = settings.commitInterval().toNanos();
    long nextRefresh = System.nanoTime() + refreshNanos;
    long nextCommit = System.nanoTime() + commitNanos;
    long nextRetention = System.nanoTime();
    long lastRefresh = System.nanoTime();
    Duration pollTimeout = Duration.ofMillis(Math.min(100, settings.refreshInterval().toMillis()));
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> batch;
        try {
          batch = c.poll(pollTimeout);
        } catch (WakeupException e) {
          break; // close(): stop reading, then commit below
        }
        if (!batch.isEmpty()) {
          List<LogIndex.Entry> entries = new ArrayList<>(batch.count());
          for (TopicPartition tp : batch.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
              entries.add(new LogIndex.Entry(tp, r.offset(), r.timestamp(), r.value()));
            }
          }
          idx.addAll(entries, (o, n) -> outcomes.get(o).increment(n));
        }
        long now = System.nanoTime();
        // Far behind (a restart after an outage, a first start on a full topic), refreshing every
        // interval would flush tiny segments and cost a third of the throughput; catch up first.
        boolean catchingUp =
            lag(c) > CATCH_UP_LAG && now - lastRefresh < CATCH_UP_REFRESH.toNanos();
        if (now - nextRefresh >= 0 && !catchingUp && idx.refreshInBackground()) {
          nextRefresh = now + refreshNanos;
          lastRefresh = now;
        }
        if (now - nextCommit >= 0) {
          commit(idx, c, false);
          nextCommit = now + commitNanos;
        }
        if (now - nextRetention >= 0) {
          idx.dropExpired();
          nextRetention = now + RETENTION_CHECK.toNanos();
        }
      }
    } catch (IndexFailure e) {
      throw e.getCause();
    }
    if (crash) {
      return;
    }
    // Stopping: everything read so far becomes durable.
    idx.refresh();
    commit(idx, c, true);
  }

  /** Records not yet read, as far as the last fetch knows. */
  private static long lag(KafkaConsumer<byte[], byte[]> c) {
    long lag = 0;
    for (TopicPartition tp : c.assignment()) {
      lag += c.currentLag(tp).orElse(0);
    }
    return lag;
  }

  private void commit(LogIndex idx, KafkaConsumer<byte[], byte[]> c, boolean last)
      throws IOException {
    idx.commit();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : c.assignment()) {
      Long o = idx.readPositions().get(tp);
      if (o != null) {
        offsets.put(tp, new OffsetAndMetadata(o));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    // For lag monitoring only; the index's own commit is what counts.
    if (last) {
      try {
        c.commitSync(offsets, Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("index: committing offsets to Kafka for lag monitoring failed: {}", e.toString());
      }
    } else {
      c.commitAsync(
          offsets,
          (o, e) -> {
            if (e != null) {
              log.debug(
                  "index: committing offsets to Kafka for lag monitoring failed: {}", e.toString());
            }
          });
    }
  }

  /** Stops reading, makes what was read durable, and waits up to {@code grace} for that. */
  public void close(Duration grace) {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      if (thread != null && !stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("index: the indexer did not stop within {}", grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    index.close();
    log.info("index: stopped");
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /** Stops as a crash would: nothing more is committed (tests of recovery). */
  void crash() {
    crash = true;
    close(Duration.ofSeconds(30));
  }

  /** Carries an index failure out of the rebalance listener. */
  private static final class IndexFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IndexFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
