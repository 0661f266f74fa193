package io.logpipe.index;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The index of one UTC day: a Lucene directory, its writer and a near-real-time searcher manager,
 * and the Kafka offsets stored in its last commit. Owned by {@link LogIndex}.
 */
final class DayIndex {
  /** Prefix of the commit user data keys that hold offsets: {@code offset:<topic>:<partition>}. */
  static final String OFFSET_KEY = "offset:";

  final LocalDate day;
  final Path dir;
  final Directory directory;
  final IndexWriter writer;
  final SearcherManager searchers;

  /** Next offset per partition as of the last commit: records below it are in this day already. */
  final Map<TopicPartition, Long> committed;

  /**
   * Records added since the last refresh. Set by the indexing threads, read and cleared by the
   * indexer thread after it awaited them.
   */
  boolean dirty;

  /** Records added since the last commit (as {@link #dirty}). */
  boolean uncommitted;

  private DayIndex(
      LocalDate day,
      Path dir,
      Directory directory,
      IndexWriter writer,
      SearcherManager searchers,
      Map<TopicPartition, Long> committed) {
    this.day = day;
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.searchers = searchers;
    this.committed = committed;
  }

  static DayIndex open(LocalDate day, Path dir, IndexWriterConfig config) throws IOException {
    Directory d = FSDirectory.open(dir);
    try {
      Map<TopicPartition, Long> committed = new HashMap<>();
      if (DirectoryReader.indexExists(d)) {
        committed.putAll(offsets(SegmentInfos.readLatestCommit(d).getUserData()));
      }
      IndexWriter w =
          new IndexWriter(d, config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
      SearcherManager sm;
      try {
        sm = new SearcherManager(w, new SearcherFactory());
      } catch (IOException | RuntimeException e) {
        w.rollback();
        throw e;
      }
      return new DayIndex(day, dir, d, w, sm, committed);
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /** The offsets in commit user data. */
  static Map<TopicPartition, Long> offsets(Map<String, String> userData) {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (Map.Entry<String, String> e : userData.entrySet()) {
      String k = e.getKey();
      if (!k.startsWith(OFFSET_KEY)) {
        continue;
      }
      int colon = k.lastIndexOf(':');
      try {
        out.put(
            new TopicPartition(
                k.substring(OFFSET_KEY.length(), colon), Integer.parseInt(k.substring(colon + 1))),
            Long.parseLong(e.getValue()));
      } catch (RuntimeException ignored) {
        // A key this version did not write; not ours to interpret.
      }
    }
    return out;
  }

  /** Commit user data for offsets. */
  static Map<String, String> userData(Map<TopicPartition, Long> offsets) {
    Map<String, String> out = new HashMap<>();
    offsets.forEach(
        (tp, o) -> out.put(OFFSET_KEY + tp.topic() + ":" + tp.partition(), Long.toString(o)));
    return out;
  }

  /** Commits what was added, with {@code offsets} as the day's position. */
  void commit(Map<TopicPartition, Long> offsets) throws IOException {
    writer.setLiveCommitData(userData(offsets).entrySet());
    writer.commit();
    committed.clear();
    committed.putAll(offsets);
    uncommitted = false;
  }

  /** Closes without committing: what was added since the last commit is lost (replayed later). */
  void close() throws IOException {
    try {
      searchers.close();
    } finally {
      try {
        writer.rollback();
      } finally {
        directory.close();
      }
    }
  }
}
