package io.logpipe.archive;

import io.logpipe.archive.store.S3Settings;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code archive} section, validated once at start-up.
 *
 * @param store {@code filesystem} or {@code s3}
 * @param directory the filesystem store's root; null: {@code <data_dir>/archive}
 * @param prefix prepended to every key (empty, or safe path segments ending without a slash)
 * @param s3 the S3 store
 * @param groupId the archive's own consumer group
 * @param topics the topics archived; empty: the app and component topics
 * @param compression {@code zstd} or {@code gzip}
 * @param zstdLevel zstd's level (1-19)
 * @param compressionWorkers zstd threads per open object that compress while the consumer thread
 *     reads on (0: the consumer thread compresses)
 * @param consumers consumer threads of this process in the archive's group ({@link ArchiverGroup})
 * @param maxObjectSize uncompressed bytes in one object above which its unit is cut
 * @param maxObjectAge how long the oldest record of a unit may wait before the unit is cut
 * @param maxOpenWriters open (partition, hour) writers; above it the least recently used unit is
 *     cut
 * @param maxBuffered raw bytes consumed and not yet durable; above it consumption pauses
 * @param stagingDir where writers compress to before upload; null: {@code
 *     <data_dir>/archive-staging}
 * @param maxStaging compressed bytes in the staging directory; above it consumption pauses
 * @param maxFuture event times further ahead of the Kafka timestamp go to {@code dt=out-of-range}
 * @param maxPast event times further behind the Kafka timestamp go to {@code dt=out-of-range}
 * @param uploadThreads partitions uploaded in parallel
 */
public record ArchiveSettings(
    String store,
    Path directory,
    String prefix,
    S3Settings s3,
    String groupId,
    List<String> topics,
    String compression,
    int zstdLevel,
    int compressionWorkers,
    int consumers,
    DataSize maxObjectSize,
    Duration maxObjectAge,
    int maxOpenWriters,
    DataSize maxBuffered,
    Path stagingDir,
    DataSize maxStaging,
    Duration maxFuture,
    Duration maxPast,
    int uploadThreads) {

  /** Reads the {@code archive} section (every key defaulted). */
  public static ArchiveSettings from(ConfigNode a) {
    String store = a.oneOf("store", "filesystem", List.of("filesystem", "s3"));
    String dir = a.string("directory", "");
    String prefix = a.string("prefix", "");
    if (!ArchiveKeys.isSafePrefix(prefix)) {
      a.problem(
          "prefix",
          "use path segments of letters, digits, '.', '_' and '-' separated by '/', got '"
              + prefix
              + "'");
      prefix = "";
    }
    S3Settings s3 = S3Settings.from(a.section("s3"), store.equals("s3"));
    String group = a.string("group_id", "logpipe-archive");
    if (group.isBlank()) {
      a.problem("group_id", "must not be empty");
    }
    List<String> topics = a.stringList("topics", List.of());
    for (String t : topics) {
      if (!ArchiveKeys.isSafeTopic(t)) {
        a.problem("topics", "not a Kafka topic name: '" + t + "'");
      }
    }
    String compression = a.oneOf("compression", "zstd", List.of("zstd", "gzip"));
    int level = a.integer("zstd_level", 3, 1, 19);
    int workers = a.integer("compression_workers", 0, 0, 16);
    int consumers = a.integer("consumers", 2, 1, 64);
    DataSize maxObject =
        a.size(
            "max_object_size",
            DataSize.ofMebibytes(64),
            DataSize.ofKibibytes(1),
            DataSize.ofGibibytes(4));
    Duration maxAge =
        a.duration(
            "max_object_age", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofDays(1));
    int maxWriters = a.integer("max_open_writers", 64, 1, 10_000);
    DataSize maxBuffered =
        a.size(
            "max_buffered",
            DataSize.ofMebibytes(512),
            DataSize.ofKibibytes(64),
            DataSize.ofGibibytes(1024));
    String staging = a.string("staging_dir", "");
    DataSize maxStaging =
        a.size(
            "max_staging",
            DataSize.ofGibibytes(2),
            DataSize.ofKibibytes(64),
            DataSize.ofGibibytes(10_000));
    ConfigNode range = a.section("out_of_range");
    Duration future =
        range.duration("future", Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(3650));
    Duration past =
        range.duration("past", Duration.ofDays(30), Duration.ofHours(1), Duration.ofDays(36500));
    int threads = a.integer("upload_threads", 4, 1, 256);
    return new ArchiveSettings(
        store,
        dir.isBlank() ? null : Path.of(dir),
        prefix,
        s3,
        group,
        List.copyOf(topics),
        compression,
        level,
        workers,
        consumers,
        maxObject,
        maxAge,
        maxWriters,
        maxBuffered,
        staging.isBlank() ? null : Path.of(staging),
        maxStaging,
        future,
        past,
        threads);
  }

  /**
   * The same settings with another directory, staging directory and topics (resolved by the app).
   */
  public ArchiveSettings resolve(Path dataDir, List<String> defaultTopics) {
    return new ArchiveSettings(
        store,
        directory != null ? directory : dataDir.resolve("archive"),
        prefix,
        s3,
        groupId,
        topics.isEmpty() ? List.copyOf(defaultTopics) : topics,
        compression,
        zstdLevel,
        compressionWorkers,
        consumers,
        maxObjectSize,
        maxObjectAge,
        maxOpenWriters,
        maxBuffered,
        stagingDir != null ? stagingDir : dataDir.resolve("archive-staging"),
        maxStaging,
        maxFuture,
        maxPast,
        uploadThreads);
  }
}
