package io.logpipe.index;

import io.logpipe.http.HttpApi;
import io.logpipe.index.api.QueryApi;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The index role as a whole: the {@link LogIndex}, the {@link Indexer} that fills it from Kafka and
 * the {@link QueryApi} that serves it (mount {@link #api()} on the HTTP server).
 *
 * <p>Lifecycle: {@link #start} opens the index and starts reading; {@link #close} stops the query
 * threads, commits what was read and closes the index. Stop the HTTP server first, so that its tail
 * streams end before.
 */
public final class IndexRole implements AutoCloseable {
  private final Indexer indexer;
  private final QueryApi api;
  private final ExecutorService queries;

  private IndexRole(Indexer indexer, QueryApi api, ExecutorService queries) {
    this.indexer = indexer;
    this.api = api;
    this.queries = queries;
  }

  /**
   * Opens the index in {@code dir} and starts reading {@code topics}.
   *
   * @param topics the log topics (app, component), in this order in tail positions
   */
  public static IndexRole start(
      IndexSettings settings,
      Path dir,
      KafkaSettings kafka,
      String bootstrapServers,
      List<String> topics,
      MeterRegistry registry,
      Clock clock) {
    LogIndex index = LogIndex.open(dir, settings, clock, registry);
    Indexer indexer =
        new Indexer(
            kafka,
            bootstrapServers,
            topics,
            settings,
            index,
            () -> LogIndex.open(dir, settings, clock, registry),
            registry,
            clock);
    AtomicInteger n = new AtomicInteger();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    ExecutorService queries =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(threads * 16),
            r -> {
              Thread t = new Thread(r, "logpipe-query-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    QueryApi api =
        new QueryApi(
            indexer::index, kafka, bootstrapServers, topics, settings, queries, registry, clock);
    indexer.start();
    return new IndexRole(indexer, api, queries);
  }

  /** The query API, to mount on the HTTP server. */
  public HttpApi api() {
    return api;
  }

  /** The index being written. */
  public LogIndex index() {
    return indexer.index();
  }

  /** Stops queries and indexing; what was read is committed first. */
  public void close(Duration grace) {
    queries.shutdown();
    try {
      queries.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    indexer.close(grace);
  }

  /** Stops as a crash would: what was read since the last commit is lost (tests of recovery). */
  void crash() {
    queries.shutdownNow();
    indexer.crash();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
