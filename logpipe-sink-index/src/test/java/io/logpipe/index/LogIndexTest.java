package io.logpipe.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.index.query.QueryNode;
import io.logpipe.index.query.QueryParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The day-partitioned index without Kafka: exactly-once bookkeeping, retention, paging. */
class LogIndexTest {
  static final TopicPartition P0 = new TopicPartition("logs.app", 0);
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);
  final IndexSettings settings = IndexSettings.defaults();

  LogIndex open() {
    return LogIndex.open(dir, settings, clock, new SimpleMeterRegistry());
  }

  static LogRecord record(String message, Instant observed) {
    return LogRecord.app()
        .appId("app-1")
        .appName("my-app")
        .time(observed)
        .observedTime(observed)
        .message(message)
        .build();
  }

  static LogIndex.Outcome add(LogIndex index, long offset, LogRecord r) throws Exception {
    return index.add(P0, offset, r.observedTime().toEpochMilli(), r, LogRecordJson.encode(r));
  }

  static List<String> messages(LogIndex index, Instant from, Instant to) throws Exception {
    LogSearch search =
        new LogSearch(() -> index, IndexSettings.defaults(), new SimpleMeterRegistry());
    List<String> out = new ArrayList<>();
    LogSearch.Cursor cursor = null;
    do {
      LogSearch.Page page =
          search.search(
              new LogSearch.Request(QueryParser.parse("q", ""), from, to, false, 7, cursor));
      page.records().forEach(b -> out.add(LogRecordJson.decode(b).message()));
      cursor = page.next();
    } while (cursor != null);
    return out;
  }

  @Test
  void aCrashBetweenTwoDaysCommitsLosesAndDuplicatesNothing() throws Exception {
    Instant yesterday = NOW.minus(Duration.ofDays(1));
    long offset = 0;
    try (LogIndex index = open()) {
      for (int i = 0; i < 10; i++) {
        add(index, offset++, record("y" + i, yesterday.plusMillis(i)));
        add(index, offset++, record("t" + i, NOW.plusMillis(i)));
      }
      index.commit();
      for (int i = 10; i < 20; i++) {
        add(index, offset++, record("y" + i, yesterday.plusMillis(i)));
        add(index, offset++, record("t" + i, NOW.plusMillis(i)));
      }
      // The crash: only yesterday's day got its second commit.
      DayIndex first = index.dayForTest(LocalDate.ofInstant(yesterday, ZoneOffset.UTC));
      first.commit(index.readPositions());
    }
    try (LogIndex index = open()) {
      assertThat(index.resumeOffsets()).containsEntry(P0, 20L);
      // Replay from there, as the indexer does: yesterday's records are there, today's are not.
      List<LogIndex.Outcome> outcomes = new ArrayList<>();
      for (long o = 20; o < 40; o++) {
        int i = (int) (o / 2);
        LogRecord r =
            o % 2 == 0
                ? record("y" + i, yesterday.plusMillis(i))
                : record("t" + i, NOW.plusMillis(i));
        outcomes.add(add(index, o, r));
      }
      assertThat(outcomes.stream().filter(o -> o == LogIndex.Outcome.DUPLICATE)).hasSize(10);
      index.refresh();
      List<String> all = messages(index, null, null);
      assertThat(all).hasSize(40);
      assertThat(new HashSet<>(all)).hasSize(40);
    }
  }

  /** A poll's worth of records over two days, with one that is not a record and one too old. */
  static List<LogIndex.Entry> batch(int n) {
    Instant yesterday = NOW.minus(Duration.ofDays(1));
    List<LogIndex.Entry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] value;
      if (i == 7) {
        value = "{not a record".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      } else if (i == 11) {
        value = LogRecordJson.encode(record("too old", NOW.minus(Duration.ofDays(30))));
      } else {
        value = LogRecordJson.encode(record("m" + i, (i % 2 == 0 ? yesterday : NOW).plusMillis(i)));
      }
      out.add(new LogIndex.Entry(P0, i, NOW.toEpochMilli(), value));
    }
    return out;
  }

  static Map<LogIndex.Outcome, Long> addAll(LogIndex index, List<LogIndex.Entry> batch)
      throws Exception {
    Map<LogIndex.Outcome, Long> counts = new java.util.concurrent.ConcurrentHashMap<>();
    index.addAll(batch, (o, n) -> counts.merge(o, n, Long::sum));
    index.refresh(); // waits for the indexing threads
    return counts;
  }

  @Test
  void batchesAddedOnSeveralThreadsAreCountedAndSearchableExactlyOnce() throws Exception {
    IndexSettings threaded = settings.withThreads(3);
    List<LogIndex.Entry> batch = batch(5000);
    try (LogIndex index = LogIndex.open(dir, threaded, clock, new SimpleMeterRegistry())) {
      assertThat(addAll(index, batch))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  LogIndex.Outcome.INDEXED, 4998L,
                  LogIndex.Outcome.INVALID, 1L,
                  LogIndex.Outcome.EXPIRED, 1L));
      assertThat(index.positions()).isEqualTo(Map.of(P0, 5000L));
      List<String> all = messages(index, null, null);
      assertThat(all).hasSize(4998);
      assertThat(new HashSet<>(all)).hasSize(4998);
      index.commit();
    }
    // The same batch again, as after a restart: nothing is added twice.
    try (LogIndex index = LogIndex.open(dir, threaded, clock, new SimpleMeterRegistry())) {
      assertThat(addAll(index, batch)).containsEntry(LogIndex.Outcome.DUPLICATE, 4998L);
      assertThat(messages(index, null, null)).hasSize(4998);
    }
  }

  @Test
  void aFailureOnAnIndexingThreadReachesTheIndexer() throws Exception {
    // Today's day cannot be created: a file stands where its directory would go.
    Files.writeString(dir.resolve(LocalDate.ofInstant(NOW, ZoneOffset.UTC).toString()), "x");
    try (LogIndex index =
        LogIndex.open(dir, settings.withThreads(2), clock, new SimpleMeterRegistry())) {
      index.addAll(batch(2000), (o, n) -> {});
      assertThatThrownBy(index::refresh).isInstanceOf(java.io.IOException.class);
      // Nothing was published as searchable.
      assertThat(index.positions()).isEmpty();
    }
  }

  @Test
  void retentionDoesNotSwallowAFailureOnAnIndexingThread() throws Exception {
    Files.writeString(dir.resolve(LocalDate.ofInstant(NOW, ZoneOffset.UTC).toString()), "x");
    try (LogIndex index =
        LogIndex.open(dir, settings.withThreads(2), clock, new SimpleMeterRegistry())) {
      index.addAll(batch(2000), (o, n) -> {});
      // The retention check waits for the slices; their failure must reach the indexer (which rolls
      // back) rather than be logged and forgotten, or the next commit would store offsets past
      // records the index never got.
      assertThatThrownBy(index::dropExpired).isInstanceOf(java.io.IOException.class);
      assertThat(index.positions()).isEmpty();
    }
  }

  @Test
  void retentionDropsWholeDaysAndRefusesRecordsOlderThanIt() throws Exception {
    try (LogIndex index = open()) {
      for (int d = 0; d < 7; d++) {
        assertThat(add(index, d, record("day " + d, NOW.minus(Duration.ofDays(d)))))
            .isEqualTo(LogIndex.Outcome.INDEXED);
      }
      assertThat(add(index, 7, record("too old", NOW.minus(Duration.ofDays(8)))))
          .isEqualTo(LogIndex.Outcome.EXPIRED);
      index.refresh();
      index.commit();
      assertThat(index.days()).hasSize(7);

      // Two days later the oldest day holds only records more than 7 days old.
      clock.set(NOW.plus(Duration.ofDays(2)));
      assertThat(index.dropExpired()).isEqualTo(1);
      index.refresh();
      assertThat(messages(index, null, null))
          .containsExactly("day 5", "day 4", "day 3", "day 2", "day 1", "day 0");
      assertThat(
              Files.exists(
                  dir.resolve(
                      LocalDate.ofInstant(NOW.minus(Duration.ofDays(6)), ZoneOffset.UTC)
                          .toString())))
          .isFalse();
    }
    // Days that expired while logpipe was stopped go at the next start.
    clock.set(NOW.plus(Duration.ofDays(5)));
    try (LogIndex index = open()) {
      assertThat(index.days()).hasSize(3);
    }
  }

  @Test
  void pagesNeitherSkipNorRepeatWhenRecordsShareATime() throws Exception {
    try (LogIndex index = open()) {
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 50; i++) {
        add(index, i, record("m" + i, NOW.plusMillis(i / 10)));
        expected.add("m" + i);
      }
      index.refresh();
      List<String> all = messages(index, null, null);
      assertThat(all).hasSize(50);
      assertThat(new HashSet<>(all)).isEqualTo(expected);
      assertThat(messages(index, NOW.plusMillis(1), NOW.plusMillis(3))).hasSize(20);
    }
  }

  @Test
  void searchesSeeOnlyRefreshedRecordsAndSayWhichPositionsTheyReflect() throws Exception {
    try (LogIndex index = open()) {
      add(index, 0, record("first", NOW));
      index.refresh();
      add(index, 1, record("second", NOW));
      try (LogIndex.Snapshot s = index.acquire(null, null)) {
        assertThat(s.searcher().getIndexReader().numDocs()).isEqualTo(1);
        assertThat(s.positions()).isEqualTo(Map.of(P0, 1L));
      }
    }
  }

  @Test
  void keywordFieldsMatchExactlyAndByPrefixWhateverTheirCharacters() throws Exception {
    try (LogIndex index = open()) {
      String[][] apps = {{"a1", "my-app"}, {"a2", "mi-aplicación"}, {"a3", "my-app-2"}};
      for (int i = 0; i < apps.length; i++) {
        add(
            index,
            i,
            LogRecord.app()
                .appId(apps[i][0])
                .appName(apps[i][1])
                .host("cell-" + i)
                .time(NOW)
                .observedTime(NOW)
                .message("line " + i)
                .build());
      }
      index.refresh();
      assertThat(query(index, "app:my-app")).containsExactly("line 0");
      assertThat(query(index, "app:a2")).containsExactly("line 1");
      assertThat(query(index, "app:mi-aplicación")).containsExactly("line 1");
      assertThat(query(index, "app:my-app*")).containsExactlyInAnyOrder("line 0", "line 2");
      assertThat(query(index, "host:cell-2 OR app:a1"))
          .containsExactlyInAnyOrder("line 0", "line 2");
      // A value of one field is not a value of another.
      assertThat(query(index, "host:my-app")).isEmpty();
    }
  }

  static List<String> query(LogIndex index, String q) throws Exception {
    LogSearch search =
        new LogSearch(() -> index, IndexSettings.defaults(), new SimpleMeterRegistry());
    LogSearch.Page page =
        search.search(
            new LogSearch.Request(QueryParser.parse("q", q), null, null, false, 100, null));
    List<String> out = new ArrayList<>();
    page.records().forEach(b -> out.add(LogRecordJson.decode(b).message()));
    return out;
  }

  @Test
  void histogramCountsPerBucket() throws Exception {
    try (LogIndex index = open()) {
      for (int i = 0; i < 30; i++) {
        add(index, i, record("x", NOW.plusSeconds(i)));
      }
      index.refresh();
      LogSearch search = new LogSearch(() -> index, settings, new SimpleMeterRegistry());
      QueryNode all = new QueryNode.All();
      LogSearch.Histogram h =
          search.histogram(all, NOW, NOW.plusSeconds(30), Duration.ofSeconds(10));
      assertThat(h.counts()).containsExactly(10, 10, 10);
      assertThat(h.total()).isEqualTo(30);
    }
  }

  /** A clock tests can move. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
