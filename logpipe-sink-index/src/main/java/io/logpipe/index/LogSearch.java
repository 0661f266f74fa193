package io.logpipe.index;

import io.logpipe.index.query.LuceneQueries;
import io.logpipe.index.query.QueryNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.QueryTimeoutImpl;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldDocs;

/**
 * Searches the {@link LogIndex}: a page of records in time order with a cursor for the next page
 * ({@code search_after} on event time and the record's Kafka position, so pages neither skip nor
 * repeat records even while new ones arrive), and counts per time bucket. Never loads more than one
 * page of records. Thread-safe.
 */
public final class LogSearch {
  private final Supplier<LogIndex> index;
  private final IndexSettings settings;
  private final Timer searchTimer;
  private final Timer histogramTimer;

  public LogSearch(Supplier<LogIndex> index, IndexSettings settings, MeterRegistry registry) {
    this.index = index;
    this.settings = settings;
    this.searchTimer =
        Timer.builder("logpipe.query.seconds")
            .description("Time to answer a query")
            .tag("endpoint", "search")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.histogramTimer =
        Timer.builder("logpipe.query.seconds")
            .description("Time to answer a query")
            .tag("endpoint", "histogram")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /**
   * What to search.
   *
   * @param query filters and query text, parsed
   * @param from earliest event time, inclusive; null for none
   * @param to latest event time, exclusive; null for none
   * @param newestFirst order of the results
   * @param limit most records in the page
   * @param after the cursor of the previous page, or null for the first page
   */
  public record Request(
      QueryNode query, Instant from, Instant to, boolean newestFirst, int limit, Cursor after) {}

  /**
   * One page.
   *
   * @param records the records' canonical JSON, in order
   * @param next the cursor of the next page; null when this page is the last one
   * @param positions the Kafka positions the searched index reflects (a tail started there misses
   *     nothing and repeats nothing)
   * @param timedOut the search stopped at {@code index.query.timeout}; the page may be incomplete
   */
  public record Page(
      List<byte[]> records, Cursor next, Map<TopicPartition, Long> positions, boolean timedOut) {}

  /** Counts per bucket: bucket {@code i} starts at {@code start + i * interval}. */
  public record Histogram(Instant start, Duration interval, long[] counts, long total) {}

  /** A position in a result list: the sort values of the last record of a page. */
  public record Cursor(boolean newestFirst, long time, long seq) {
    /** Opaque text for clients. */
    public String encode() {
      return (newestFirst ? "n" : "o") + Long.toString(time, 36) + "." + Long.toString(seq, 36);
    }

    /**
     * Reads {@link #encode()}'s text.
     *
     * @throws IllegalArgumentException if it is not a cursor
     */
    public static Cursor decode(String s) {
      try {
        char o = s.charAt(0);
        if (o != 'n' && o != 'o') {
          throw new IllegalArgumentException();
        }
        int dot = s.indexOf('.');
        return new Cursor(
            o == 'n',
            Long.parseLong(s.substring(1, dot), 36),
            Long.parseLong(s.substring(dot + 1), 36));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a cursor from this API: " + s);
      }
    }
  }

  /** The Lucene query for a request's filters, query and time range. */
  static Query luceneQuery(QueryNode node, Instant from, Instant to) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(LuceneQueries.of(node), BooleanClause.Occur.FILTER);
    if (from != null || to != null) {
      long lo = from == null ? Long.MIN_VALUE : IndexFields.nanos(from);
      long hi = to == null ? Long.MAX_VALUE : IndexFields.nanos(to) - 1;
      b.add(
          new IndexOrDocValuesQuery(
              LongPoint.newRangeQuery(IndexFields.TIME, lo, hi),
              NumericDocValuesField.newSlowRangeQuery(IndexFields.TIME, lo, hi)),
          BooleanClause.Occur.FILTER);
    }
    return b.build();
  }

  private static Sort sort(boolean newestFirst) {
    return new Sort(
        new SortField(IndexFields.TIME, SortField.Type.LONG, newestFirst),
        new SortField(IndexFields.SEQ, SortField.Type.LONG, newestFirst));
  }

  /** One page of records. */
  public Page search(Request r) throws IOException {
    long t0 = System.nanoTime();
    try (LogIndex.Snapshot snap = index.get().acquire(r.from(), r.to())) {
      IndexSearcher s = snap.searcher();
      s.setTimeout(new QueryTimeoutImpl(settings.queryTimeout().toMillis()));
      Query q = luceneQuery(r.query(), r.from(), r.to());
      int maxDoc = s.getIndexReader().maxDoc();
      if (maxDoc == 0) {
        return new Page(List.of(), null, snap.positions(), false);
      }
      // Sort values are unique (seq), so the document number never decides; the largest one keeps
      // the cursor's own record out of the next page.
      FieldDoc after =
          r.after() == null
              ? null
              : new FieldDoc(
                  maxDoc - 1, Float.NaN, new Object[] {r.after().time(), r.after().seq()});
      // One more than the page tells whether there is a next page.
      TopFieldDocs top = s.searchAfter(after, q, r.limit() + 1, sort(r.newestFirst()), false);
      ScoreDoc[] hits = top.scoreDocs;
      int n = Math.min(hits.length, r.limit());
      List<byte[]> out = new ArrayList<>(n);
      StoredFields stored = s.storedFields();
      SourceVisitor v = new SourceVisitor();
      for (int i = 0; i < n; i++) {
        v.value = null;
        stored.document(hits[i].doc, v);
        if (v.value != null) {
          out.add(v.value);
        }
      }
      Cursor next = null;
      if (hits.length > r.limit() && n > 0) {
        FieldDoc last = (FieldDoc) hits[n - 1];
        next = new Cursor(r.newestFirst(), (Long) last.fields[0], (Long) last.fields[1]);
      }
      return new Page(out, next, snap.positions(), s.timedOut());
    } finally {
      searchTimer.record(Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  /** Counts of matching records per bucket of {@code interval} from {@code from} to {@code to}. */
  public Histogram histogram(QueryNode query, Instant from, Instant to, Duration interval)
      throws IOException {
    long t0 = System.nanoTime();
    long start = IndexFields.nanos(from);
    long step = interval.toNanos();
    int buckets = (int) Math.max(1, (IndexFields.nanos(to) - start + step - 1) / step);
    long[] counts = new long[buckets];
    try (LogIndex.Snapshot snap = index.get().acquire(from, to)) {
      IndexSearcher s = snap.searcher();
      s.setTimeout(new QueryTimeoutImpl(settings.queryTimeout().toMillis()));
      s.search(
          luceneQuery(query, from, to),
          new CollectorManager<BucketCounter, Void>() {
            @Override
            public BucketCounter newCollector() {
              return new BucketCounter(start, step, new long[buckets]);
            }

            @Override
            public Void reduce(Collection<BucketCounter> collectors) {
              for (BucketCounter c : collectors) {
                for (int i = 0; i < buckets; i++) {
                  counts[i] += c.counts[i];
                }
              }
              return null;
            }
          });
      long total = 0;
      for (long x : counts) {
        total += x;
      }
      return new Histogram(from, interval, counts, total);
    } finally {
      histogramTimer.record(Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  /** Reads only the stored source of a document. */
  private static final class SourceVisitor extends StoredFieldVisitor {
    byte[] value;

    @Override
    public Status needsField(FieldInfo fieldInfo) {
      if (fieldInfo.name.equals(IndexFields.SOURCE)) {
        return Status.YES;
      }
      return value == null ? Status.NO : Status.STOP;
    }

    @Override
    public void binaryField(FieldInfo fieldInfo, byte[] v) {
      value = v;
    }
  }

  /** Adds each hit's event time to its bucket. */
  private static final class BucketCounter extends SimpleCollector {
    private final long start;
    private final long step;
    private final long[] counts;
    private NumericDocValues times;

    BucketCounter(long start, long step, long[] counts) {
      this.start = start;
      this.step = step;
      this.counts = counts;
    }

    @Override
    protected void doSetNextReader(LeafReaderContext context) throws IOException {
      times = context.reader().getNumericDocValues(IndexFields.TIME);
    }

    @Override
    public void collect(int doc) throws IOException {
      if (times != null && times.advanceExact(doc)) {
        long b = (times.longValue() - start) / step;
        if (b >= 0 && b < counts.length) {
          counts[(int) b]++;
        }
      }
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }
}
