package io.logpipe.index;

import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import io.logpipe.core.config.Durations;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code index} section of the configuration: the embedded index, its query API and the live
 * tail.
 *
 * @param dir where the index keeps its day directories; null for {@code <data_dir>/index}
 * @param retention days older than this (by the time records arrived) are dropped whole
 * @param consumerGroup the Kafka consumer group of the index role
 * @param refreshInterval how often new records become searchable
 * @param commitInterval how often the index is made durable together with its Kafka offsets
 * @param ramBuffer memory for records not yet written to a segment, per day being written
 * @param maxIndexedChars how much of a message is indexed (the stored record keeps all of it)
 * @param threads threads that decode and index records; 0 means one per core
 * @param defaultPageSize records per page when a query names no limit
 * @param maxPageSize the largest page a query may ask for
 * @param queryTimeout a search that takes longer stops and answers with what it found so far
 * @param maxBuckets the most buckets a histogram may have
 * @param tailMaxStreams live-tail streams open at once; more get 503
 * @param tailHeartbeat how often an idle tail stream sends a comment (keeps proxies and the client
 *     sure the stream is alive)
 */
public record IndexSettings(
    Path dir,
    Duration retention,
    String consumerGroup,
    Duration refreshInterval,
    Duration commitInterval,
    DataSize ramBuffer,
    int maxIndexedChars,
    int threads,
    int defaultPageSize,
    int maxPageSize,
    Duration queryTimeout,
    int maxBuckets,
    int tailMaxStreams,
    Duration tailHeartbeat) {

  /** Reads the {@code index} section, reporting every problem with its key path. */
  public static IndexSettings from(ConfigNode index) {
    String dir = index.string("dir", "");
    Duration retention =
        index.duration("retention", Duration.ofDays(7), Duration.ofDays(1), Duration.ofDays(3650));
    if (retention.toSeconds() % 86_400 != 0) {
      index.problem(
          "retention",
          "\""
              + Durations.format(retention)
              + "\" is not a whole number of days (the index drops whole days), such as 7d");
    }
    String group = index.string("consumer_group", "logpipe-index");
    if (group.isBlank()) {
      index.problem("consumer_group", "must not be empty");
    }
    Duration refresh =
        index.duration(
            "refresh_interval",
            Duration.ofMillis(500),
            Duration.ofMillis(50),
            Duration.ofMinutes(5));
    Duration commit =
        index.duration(
            "commit_interval", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));
    DataSize ram =
        index.size(
            "ram_buffer",
            DataSize.ofMebibytes(128),
            DataSize.ofMebibytes(4),
            DataSize.ofGibibytes(2));
    int maxChars = index.integer("max_indexed_chars", 32_768, 256, 16 * 1024 * 1024);
    int threads = index.integer("threads", 0, 0, 64);
    ConfigNode q = index.section("query");
    int defPage = q.integer("default_page_size", 100, 1, 10_000);
    int maxPage = q.integer("max_page_size", 1000, 1, 10_000);
    if (defPage > maxPage) {
      q.problem("default_page_size", defPage + " is larger than max_page_size " + maxPage);
    }
    Duration timeout =
        q.duration(
            "timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(10));
    int maxBuckets = q.integer("max_buckets", 1000, 10, 100_000);
    ConfigNode t = index.section("tail");
    int streams = t.integer("max_streams", 64, 1, 10_000);
    Duration heartbeat =
        t.duration(
            "heartbeat", Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(10));
    return new IndexSettings(
        dir.isBlank() ? null : Path.of(dir).normalize(),
        retention,
        group,
        refresh,
        commit,
        ram,
        maxChars,
        threads,
        defPage,
        maxPage,
        timeout,
        maxBuckets,
        streams,
        heartbeat);
  }

  /** Settings with every default. */
  public static IndexSettings defaults() {
    ConfigNode root = ConfigNode.root(null, java.util.Map.of(), "defaults");
    IndexSettings s = from(root.section("index"));
    root.finish();
    return s;
  }

  /** The retention in whole days. */
  public int retentionDays() {
    return (int) retention.toDays();
  }

  /** The number of indexing threads to run. */
  public int indexThreads() {
    return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** Copy with another directory. */
  public IndexSettings withDir(Path d) {
    return copy(d, commitInterval, threads);
  }

  /** Copy with another commit interval. */
  public IndexSettings withCommitInterval(Duration c) {
    return copy(dir, c, threads);
  }

  /** Copy with another number of indexing threads. */
  public IndexSettings withThreads(int t) {
    return copy(dir, commitInterval, t);
  }

  private IndexSettings copy(Path d, Duration c, int t) {
    return new IndexSettings(
        d,
        retention,
        consumerGroup,
        refreshInterval,
        c,
        ramBuffer,
        maxIndexedChars,
        t,
        defaultPageSize,
        maxPageSize,
        queryTimeout,
        maxBuckets,
        tailMaxStreams,
        tailHeartbeat);
  }
}
