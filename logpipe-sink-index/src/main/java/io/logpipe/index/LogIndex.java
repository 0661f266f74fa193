package io.logpipe.index;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.RecordFormatException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded index: one Lucene index per UTC day under one directory ({@code 2026-11-26/}), the
 * day being the day a record arrived (its observed time, also Kafka's timestamp), so retention
 * drops whole days and a sender's wrong clock cannot keep a record forever. Searches span the days
 * whose event times overlap the query's range.
 *
 * <p><b>Exactly once.</b> Each day's commit stores, in its user data, the next Kafka offset of
 * every partition read so far. {@link #resumeOffsets} is the smallest of them per partition;
 * replaying from there, a record whose offset is below its day's stored offset is already in that
 * day and is skipped. All days are committed together with the same offsets, so after a crash
 * between two days' commits the replay adds to each day exactly what it lacks.
 *
 * <p>Threading: {@link #add}, {@link #addAll}, {@link #refresh}, {@link #refreshInBackground},
 * {@link #commit}, {@link #readPositions} and {@link #dropExpired} are called by one thread (the
 * indexer). {@link #addAll} hands records to {@code index.threads} indexing threads and returns;
 * refresh, commit and retention first wait for what was handed over. A background refresh runs on a
 * thread of its own beside the indexing threads, never beside a commit. {@link #acquire} and {@link
 * #positions} are thread-safe and may run alongside.
 */
public final class LogIndex implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LogIndex.class);

  /** What became of a record handed to {@link #add}. */
  public enum Outcome {
    INDEXED,
    /** Not a record (not JSON of the record schema); passed over. */
    INVALID,
    /** Already in its day's last commit (a replay after a restart). */
    DUPLICATE,
    /** Arrived on a day older than the retention. */
    EXPIRED
  }

  /** Records per slice handed to an indexing thread. */
  static final int SLICE = 256;

  private final Path dir;
  private final IndexSettings settings;
  private final Clock clock;
  private final LogAnalyzer analyzer;
  private final NavigableMap<LocalDate, DayIndex> days = new ConcurrentSkipListMap<>();
  private final ReentrantReadWriteLock visibility = new ReentrantReadWriteLock();
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private final Map<String, Integer> topicSlots = new HashMap<>();
  private final ThreadLocal<IndexFields.Builder> builders =
      ThreadLocal.withInitial(IndexFields.Builder::new);
  private final ExecutorService workers;
  private final int threads;
  private final Timer refreshTimer;
  private final Timer commitTimer;
  private final Timer visibilityDelay;
  private final Counter daysDropped;
  private volatile Map<TopicPartition, Long> visible = Map.of();
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "logpipe-index-refresh");
            t.setDaemon(true);
            return t;
          });
  private Future<?> refreshing;

  /** Slices of records handed to the indexing threads, oldest first (indexer thread only). */
  private final ArrayDeque<Future<?>> adding = new ArrayDeque<>();

  /** Bounds the slices queued for the indexing threads. */
  private final Semaphore slicesQueued;

  /** Kafka's timestamp of the oldest record added since the last refresh (visibility metric). */
  private final AtomicLong oldestPending = new AtomicLong(Long.MAX_VALUE);

  private boolean closed;

  private LogIndex(Path dir, IndexSettings settings, Clock clock, MeterRegistry registry) {
    this.dir = dir;
    this.settings = settings;
    this.clock = clock;
    this.analyzer = new LogAnalyzer(settings.maxIndexedChars());
    this.threads = settings.indexThreads();
    AtomicInteger n = new AtomicInteger();
    this.workers =
        threads <= 1
            ? null
            : Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "logpipe-index-worker-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
    this.slicesQueued = new Semaphore(8 * Math.max(1, threads));
    this.refreshTimer =
        Timer.builder("logpipe.index.refresh")
            .description("Time to make new records searchable (near-real-time reopen)")
            .register(registry);
    this.commitTimer =
        Timer.builder("logpipe.index.commit")
            .description("Time to commit the index with its offsets")
            .register(registry);
    this.visibilityDelay =
        Timer.builder("logpipe.index.visibility.delay")
            .description(
                "From Kafka's timestamp of the oldest record of a refresh to the refresh making it"
                    + " searchable")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.daysDropped =
        Counter.builder("logpipe.index.days.dropped")
            .description("Day indexes dropped by retention")
            .register(registry);
    Gauge.builder("logpipe.index.days", days, Map::size)
        .description("Day indexes open")
        .register(registry);
    Gauge.builder("logpipe.index.documents", this, LogIndex::documentsGauge)
        .description("Records in the index (searchable ones)")
        .register(registry);
  }

  /**
   * Opens the index under {@code dir} (created if missing): every day within the retention is
   * opened, older ones are deleted.
   */
  public static LogIndex open(
      Path dir, IndexSettings settings, Clock clock, MeterRegistry registry) {
    LogIndex index = new LogIndex(dir, settings, clock, registry);
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          LocalDate day = dayOf(p);
          if (day != null && Files.isDirectory(p)) {
            if (day.isBefore(index.cutoff())) {
              deleteTree(p);
              log.info(
                  "index: dropped day {} (older than the retention {})", day, settings.retention());
            } else {
              index.days.put(day, DayIndex.open(day, p, index.writerConfig()));
            }
          }
        }
      }
    } catch (IOException e) {
      index.close();
      throw new UncheckedIOException("cannot open the index in " + dir + ": " + e.getMessage(), e);
    }
    index.visible = index.resumeOffsets();
    log.info(
        "index: {} day(s) in {}, retention {}, {} searchable records",
        index.days.size(),
        dir,
        settings.retention(),
        index.documentsGauge());
    return index;
  }

  private static LocalDate dayOf(Path p) {
    try {
      return LocalDate.parse(p.getFileName().toString());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private IndexWriterConfig writerConfig() {
    IndexWriterConfig c = new IndexWriterConfig(analyzer);
    c.setCodec(LogCodec.instance());
    c.setRAMBufferSizeMB(settings.ramBuffer().bytes() / (1024.0 * 1024.0));
    c.setCommitOnClose(false);
    return c;
  }

  /** The first day kept: days before it are dropped, records that arrived before it expired. */
  LocalDate cutoff() {
    return LocalDate.ofInstant(clock.instant().minus(settings.retention()), ZoneOffset.UTC);
  }

  /**
   * Where to resume reading each partition: the smallest next offset stored in any day's last
   * commit. Partitions no day knows are absent (read them from the beginning).
   */
  public Map<TopicPartition, Long> resumeOffsets() {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (DayIndex d : days.values()) {
      d.committed.forEach((tp, o) -> out.merge(tp, o, Math::min));
    }
    return out;
  }

  /**
   * Adds one record, unless its day already has it or its day is past the retention. Synchronous:
   * the record is in the writer when this returns.
   *
   * @param value the record's JSON as read from Kafka, stored as is
   * @param kafkaTimestampMillis Kafka's timestamp of the record (for the visibility metric)
   */
  public Outcome add(
      TopicPartition tp, long offset, long kafkaTimestampMillis, LogRecord record, byte[] value)
      throws IOException {
    awaitAdds();
    next.put(tp, offset + 1);
    Entry e = new Entry(tp, offset, kafkaTimestampMillis, value);
    Outcome o = addOne(e, record, cutoff(), seq(tp, offset), builders.get());
    if (o == Outcome.INDEXED) {
      oldestPending.accumulateAndGet(kafkaTimestampMillis, Math::min);
    }
    return o;
  }

  /** One Kafka record for {@link #addAll}. */
  public record Entry(TopicPartition tp, long offset, long kafkaTimestampMillis, byte[] value) {}

  /** Receives what became of records; called from the indexing threads, so thread-safe. */
  @FunctionalInterface
  public interface Outcomes {
    void count(Outcome outcome, long records);
  }

  /**
   * Hands a batch to the indexing threads and returns without waiting for them (unless eight slices
   * per thread are queued already; then until there is room): they decode the records and add the
   * documents, each taking the next slice of {@value #SLICE} records, so that a thread busy writing
   * a segment never holds the others up. Reading positions move here, at once; {@link #refresh},
   * {@link #refreshInBackground} and {@link #commit} first wait for every slice handed over, so
   * what they publish or store is exactly what was added. With one thread the batch is added here.
   *
   * @throws IOException if a slice handed over before failed (the index must be rolled back)
   */
  public void addAll(List<Entry> batch, Outcomes outcomes) throws IOException {
    reapAdds();
    int n = batch.size();
    long[] seqs = new long[n];
    for (int i = 0; i < n; i++) {
      Entry e = batch.get(i);
      next.put(e.tp(), e.offset() + 1);
      seqs[i] = seq(e.tp(), e.offset());
    }
    LocalDate cutoff = cutoff();
    if (workers == null) {
      addSlice(batch, seqs, 0, n, cutoff, outcomes);
      return;
    }
    for (int from = 0; from < n; from += SLICE) {
      int lo = from;
      int hi = Math.min(n, from + SLICE);
      try {
        slicesQueued.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while handing records to the indexing threads", e);
      }
      try {
        adding.add(
            workers.submit(
                () -> {
                  try {
                    addSlice(batch, seqs, lo, hi, cutoff, outcomes);
                  } finally {
                    slicesQueued.release();
                  }
                  return null;
                }));
      } catch (RejectedExecutionException e) {
        slicesQueued.release();
        throw new IOException("the index is closed", e);
      }
    }
  }

  private long seq(TopicPartition tp, long offset) {
    int slot = topicSlots.computeIfAbsent(tp.topic(), t -> topicSlots.size());
    return IndexFields.seq(slot, tp.partition(), offset);
  }

  /** Decodes and adds records [from, to) of a batch (any indexing thread). */
  private void addSlice(
      List<Entry> batch, long[] seqs, int from, int to, LocalDate cutoff, Outcomes outcomes)
      throws IOException {
    IndexFields.Builder b = builders.get();
    long[] counts = new long[Outcome.values().length];
    long oldest = Long.MAX_VALUE;
    try {
      for (int i = from; i < to; i++) {
        Entry e = batch.get(i);
        LogRecord r;
        try {
          r = e.value() == null ? null : LogRecordJson.decode(e.value());
        } catch (RecordFormatException ex) {
          r = null;
        }
        Outcome o = r == null ? Outcome.INVALID : addOne(e, r, cutoff, seqs[i], b);
        counts[o.ordinal()]++;
        if (o == Outcome.INDEXED) {
          oldest = Math.min(oldest, e.kafkaTimestampMillis());
        }
      }
    } finally {
      oldestPending.accumulateAndGet(oldest, Math::min);
      for (Outcome k : Outcome.values()) {
        if (counts[k.ordinal()] > 0) {
          outcomes.count(k, counts[k.ordinal()]);
        }
      }
    }
  }

  /** Adds one decoded record to its day unless it is expired or already there. */
  private Outcome addOne(
      Entry e, LogRecord r, LocalDate cutoff, long seq, IndexFields.Builder builder)
      throws IOException {
    LocalDate day = LocalDate.ofInstant(r.observedTime(), ZoneOffset.UTC);
    if (day.isBefore(cutoff)) {
      return Outcome.EXPIRED;
    }
    DayIndex d = day(day);
    Long done = d.committed.get(e.tp());
    if (done != null && e.offset() < done) {
      return Outcome.DUPLICATE;
    }
    byte[] v = e.value();
    d.writer.addDocument(builder.build(r, v, 0, v.length, seq));
    d.dirty = true;
    d.uncommitted = true;
    return Outcome.INDEXED;
  }

  /** The index of a day, opened (or created) on first use. */
  private DayIndex day(LocalDate day) throws IOException {
    DayIndex d = days.get(day);
    if (d != null) {
      return d;
    }
    synchronized (days) {
      d = days.get(day);
      if (d == null) {
        d = DayIndex.open(day, dir.resolve(day.toString()), writerConfig());
        days.put(day, d);
      }
      return d;
    }
  }

  /** Rethrows the failure of a slice that has finished (after waiting for all the others). */
  private void reapAdds() throws IOException {
    Future<?> f;
    while ((f = adding.peek()) != null && f.isDone()) {
      try {
        f.get();
      } catch (ExecutionException | CancellationException e) {
        awaitAdds();
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the indexing threads", e);
      }
      adding.poll();
    }
  }

  /**
   * Waits until every slice handed to the indexing threads is added; rethrows the first failure
   * (indexer thread only).
   */
  private void awaitAdds() throws IOException {
    Throwable failure = null;
    Future<?> f;
    while ((f = adding.peek()) != null) {
      try {
        f.get();
      } catch (ExecutionException e) {
        failure = failure == null ? e.getCause() : failure;
      } catch (CancellationException e) {
        failure = failure == null ? e : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the indexing threads", e);
      }
      adding.poll();
    }
    if (failure instanceof IOException io) {
      throw io;
    } else if (failure instanceof RuntimeException re) {
      throw re;
    } else if (failure instanceof Error err) {
      throw err;
    } else if (failure != null) {
      throw new IOException(failure);
    }
  }

  /** The next offset to read per partition, as far as this index has read. */
  public Map<TopicPartition, Long> readPositions() {
    return Map.copyOf(next);
  }

  /** Sets where reading resumes for a partition (after a seek on assignment). */
  public void position(TopicPartition tp, long offset) {
    next.put(tp, offset);
  }

  /**
   * Makes every record added so far searchable. Searches that start after this returns see them,
   * and {@link #positions} says how far that is.
   */
  public void refresh() throws IOException {
    awaitAdds();
    awaitRefresh();
    long oldest = oldestPending.getAndSet(Long.MAX_VALUE);
    reopen(takeDirty(), Map.copyOf(next), oldest);
  }

  /**
   * Starts making every record added so far searchable on a thread of its own, so that indexing
   * goes on meanwhile (the reopen writes the new segments, a fifth of the indexing work, which left
   * the other threads idle when it ran here); {@link #positions} moves once it is done. Does
   * nothing if the previous one still runs.
   *
   * @return false if a refresh was still running
   * @throws IOException if the previous background refresh failed
   */
  public boolean refreshInBackground() throws IOException {
    if (refreshing != null && !refreshing.isDone()) {
      return false;
    }
    awaitAdds();
    awaitRefresh();
    List<DayIndex> dirty = takeDirty();
    Map<TopicPartition, Long> now = Map.copyOf(next);
    long oldest = oldestPending.getAndSet(Long.MAX_VALUE);
    refreshing =
        refresher.submit(
            () -> {
              reopen(dirty, now, oldest);
              return null;
            });
    return true;
  }

  /** Waits for a background refresh; rethrows what it failed with. */
  private void awaitRefresh() throws IOException {
    Future<?> f = refreshing;
    if (f == null) {
      return;
    }
    refreshing = null;
    try {
      f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      } else if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a refresh", e);
    }
  }

  /** The days with records not yet searchable; clears their flags (indexing thread only). */
  private List<DayIndex> takeDirty() {
    List<DayIndex> dirty = new ArrayList<>();
    for (DayIndex d : days.values()) {
      if (d.dirty) {
        dirty.add(d);
        d.dirty = false;
      }
    }
    return dirty;
  }

  /**
   * Reopens the searchers of {@code dirty}, then publishes {@code now} as the searchable positions:
   * every record below them was added before the reopen started.
   */
  private void reopen(List<DayIndex> dirty, Map<TopicPartition, Long> now, long oldestMillis)
      throws IOException {
    if (dirty.isEmpty()) {
      visible = now;
      return;
    }
    long t0 = System.nanoTime();
    visibility.writeLock().lock();
    try {
      for (DayIndex d : dirty) {
        try {
          d.searchers.maybeRefreshBlocking();
        } catch (AlreadyClosedException e) {
          // dropped by the retention meanwhile
        }
      }
      visible = now;
    } finally {
      visibility.writeLock().unlock();
    }
    refreshTimer.record(Duration.ofNanos(System.nanoTime() - t0));
    if (oldestMillis != Long.MAX_VALUE) {
      long delay = clock.millis() - oldestMillis;
      visibilityDelay.record(Duration.ofMillis(Math.max(0, delay)));
    }
  }

  /** Commits every day with the offsets read so far, so that a restart resumes after them. */
  public void commit() throws IOException {
    // Not beside indexing: a commit flushes what was added, and its offsets must say exactly that.
    awaitAdds();
    awaitRefresh();
    long t0 = System.nanoTime();
    Map<TopicPartition, Long> offsets = Map.copyOf(next);
    for (DayIndex d : days.values()) {
      if (d.uncommitted || !offsets.equals(d.committed)) {
        d.commit(offsets);
      }
    }
    commitTimer.record(Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * Drops the days older than the retention; returns how many.
   *
   * @throws IOException if a slice handed to the indexing threads failed: as from {@link #commit},
   *     the index must be rolled back, or the next commit would store offsets past records it lacks
   */
  public int dropExpired() throws IOException {
    awaitAdds();
    try {
      awaitRefresh();
    } catch (IOException | RuntimeException e) {
      log.warn("index: a background refresh failed: {}", e.toString());
    }
    LocalDate cutoff = cutoff();
    List<DayIndex> old = new ArrayList<>();
    visibility.writeLock().lock();
    try {
      while (!days.isEmpty() && days.firstKey().isBefore(cutoff)) {
        old.add(days.pollFirstEntry().getValue());
      }
    } finally {
      visibility.writeLock().unlock();
    }
    for (DayIndex d : old) {
      try {
        d.close();
        deleteTree(d.dir);
        daysDropped.increment();
        log.info(
            "index: dropped day {} (older than the retention {})", d.day, settings.retention());
      } catch (IOException e) {
        log.warn("index: could not delete day {}: {}", d.day, e.toString());
      }
    }
    return old.size();
  }

  /** The offsets up to which records are searchable now. */
  public Map<TopicPartition, Long> positions() {
    return visible;
  }

  /** One day's index (tests). */
  DayIndex dayForTest(LocalDate day) {
    return days.get(day);
  }

  /** The days held, oldest first. */
  public List<LocalDate> days() {
    return new ArrayList<>(days.keySet());
  }

  /**
   * A searcher over the days that may hold records with event times in [{@code from}, {@code to}]
   * (either may be null for open), and the positions it reflects. Close it when done.
   */
  public Snapshot acquire(Instant from, Instant to) throws IOException {
    long lo = from == null ? Long.MIN_VALUE : IndexFields.nanos(from);
    long hi = to == null ? Long.MAX_VALUE : IndexFields.nanos(to);
    List<SearcherManager> managers = new ArrayList<>();
    List<IndexSearcher> acquired = new ArrayList<>();
    Map<TopicPartition, Long> pos;
    visibility.readLock().lock();
    try {
      pos = visible;
      for (DayIndex d : days.values()) {
        IndexSearcher s;
        try {
          s = d.searchers.acquire();
        } catch (AlreadyClosedException e) {
          continue; // dropped meanwhile
        }
        if (overlaps(s.getIndexReader(), lo, hi)) {
          managers.add(d.searchers);
          acquired.add(s);
        } else {
          d.searchers.release(s);
        }
      }
    } catch (IOException | RuntimeException e) {
      for (int i = 0; i < acquired.size(); i++) {
        managers.get(i).release(acquired.get(i));
      }
      throw e;
    } finally {
      visibility.readLock().unlock();
    }
    return new Snapshot(managers, acquired, pos);
  }

  private static boolean overlaps(IndexReader r, long lo, long hi) throws IOException {
    byte[] min = PointValues.getMinPackedValue(r, IndexFields.TIME);
    byte[] max = PointValues.getMaxPackedValue(r, IndexFields.TIME);
    if (min == null || max == null) {
      return false; // empty
    }
    return LongPoint.decodeDimension(min, 0) <= hi && LongPoint.decodeDimension(max, 0) >= lo;
  }

  private long documentsGauge() {
    long n = 0;
    for (DayIndex d : days.values()) {
      try {
        IndexSearcher s = d.searchers.acquire();
        try {
          n += s.getIndexReader().numDocs();
        } finally {
          d.searchers.release(s);
        }
      } catch (IOException | AlreadyClosedException e) {
        // dropped meanwhile
      }
    }
    return n;
  }

  /**
   * Closes every day without committing (call {@link #commit} first for a clean stop; what was
   * added after the last commit is read again from Kafka next time).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (workers != null) {
      // Let the indexing threads finish what they hold (the writers must not close under them).
      workers.shutdown();
      try {
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
          log.warn("index: the indexing threads did not finish within 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      awaitRefresh();
    } catch (IOException | RuntimeException e) {
      log.warn("index: a background refresh failed: {}", e.toString());
    }
    refresher.shutdownNow();
    if (workers != null) {
      workers.shutdownNow();
    }
    for (DayIndex d : days.values()) {
      try {
        d.close();
      } catch (IOException | RuntimeException e) {
        log.warn("index: error closing day {}: {}", d.day, e.toString());
      }
    }
    days.clear();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  /** A searcher over some days, and the Kafka positions it reflects. Close it when done. */
  public static final class Snapshot implements Closeable {
    private final List<SearcherManager> managers;
    private final List<IndexSearcher> searchers;
    private final IndexSearcher searcher;
    private final Map<TopicPartition, Long> positions;

    Snapshot(
        List<SearcherManager> managers,
        List<IndexSearcher> searchers,
        Map<TopicPartition, Long> positions)
        throws IOException {
      this.managers = managers;
      this.searchers = searchers;
      IndexReader[] readers = new IndexReader[searchers.size()];
      for (int i = 0; i < readers.length; i++) {
        readers[i] = searchers.get(i).getIndexReader();
      }
      this.searcher = new IndexSearcher(new MultiReader(readers, false));
      this.searcher.setQueryCache(null);
      this.positions = positions;
    }

    public IndexSearcher searcher() {
      return searcher;
    }

    /** The next offset per partition: every record below it is in this snapshot. */
    public Map<TopicPartition, Long> positions() {
      return positions;
    }

    @Override
    public void close() throws IOException {
      for (int i = 0; i < searchers.size(); i++) {
        managers.get(i).release(searchers.get(i));
      }
    }
  }
}
