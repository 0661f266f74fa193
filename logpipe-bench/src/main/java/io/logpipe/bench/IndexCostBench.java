package io.logpipe.bench;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.index.IndexFields;
import io.logpipe.index.LogAnalyzer;
import io.logpipe.index.Words;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.store.FSDirectory;

/**
 * What each part of the index's work costs, and the floor under it: the same records indexed by
 * plain Lucene with less and less of the schema, so that a target can be set against what the
 * library itself needs on this machine. Every step adds one thing to the one before:
 *
 * <ol>
 *   <li>{@code terms}: the message's words (the parts of {@link Words}, no whole chunks), tokenized
 *       beforehand, indexed with document numbers only: the least that makes a word findable;
 *   <li>{@code positions}: the same with frequencies and positions (phrases);
 *   <li>{@code chunks}: whole chunks too (an IP address or UUID as one term), as the index does;
 *   <li>{@code tokenizer}: the message through {@link LogAnalyzer} instead of ready tokens;
 *   <li>{@code keywords}: the keyword fields (app, org, space, host...);
 *   <li>{@code full}: every field of {@link IndexFields.Builder} (time and sequence too, and the
 *       stored record) with the index's codec: the index's document, without decoding the JSON.
 * </ol>
 *
 * Each run indexes every record on {@code --threads} threads into a fresh directory with a RAM
 * buffer of {@code --ram-mb} (the index's default: 128) and commits; the steps (and RAM sizes) take
 * turns, run after run, so that a slow minute of a noisy machine falls on all of them alike. Prints
 * the median records/s and records per CPU-second of each step and the JSON decoding the index does
 * before {@code full}.
 *
 * <pre>
 * java -cp "logpipe-bench/target/classes:logpipe-bench/target/lib/*" io.logpipe.bench.IndexCostBench \
 *     [--records 1000000] [--rounds 3] [--threads 2] [--ram-mb 128[,32...]] [--steps terms,full]
 *     [--dir /tmp/logpipe-index-cost]
 * </pre>
 */
public final class IndexCostBench {
  private static final List<String> STEPS =
      List.of("terms", "positions", "chunks", "tokenizer", "keywords", "full");

  private IndexCostBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    opts.put("records", "1000000");
    opts.put("rounds", "3");
    opts.put("threads", "2");
    opts.put("ram-mb", "128");
    opts.put("steps", String.join(",", STEPS));
    opts.put("dir", "/tmp/logpipe-index-cost");
    if (!BenchSupport.options(
        args,
        opts,
        "usage: IndexCostBench [--records N] [--rounds N] [--threads N] [--ram-mb N[,N...]]"
            + " [--steps "
            + String.join(",", STEPS)
            + "] [--dir DIR]")) {
      return;
    }
    int n = Integer.parseInt(opts.get("records"));
    int rounds = Integer.parseInt(opts.get("rounds"));
    int threads = Integer.parseInt(opts.get("threads"));
    List<String> runs = new ArrayList<>();
    for (String step : opts.get("steps").split(",")) {
      if (!STEPS.contains(step)) {
        System.err.println("IndexCostBench: no step " + step + "; the steps are " + STEPS);
        System.exit(2);
      }
      for (String ram : opts.get("ram-mb").split(",")) {
        runs.add(step + "@" + Integer.parseInt(ram.trim()) + "MB");
      }
    }
    Path root = Path.of(opts.get("dir"));

    Instant end = Instant.now();
    LoadGenerator gen = new LoadGenerator(42, end.minus(Duration.ofHours(48)), n / (48 * 3600.0));
    Sample[] records = new Sample[n];
    long bytes = 0;
    long parts = 0;
    long chunks = 0;
    for (int i = 0; i < n; i++) {
      LogRecord r = gen.next();
      byte[] json = LogRecordJson.encode(r);
      bytes += json.length;
      records[i] = new Sample(r, json, Tokens.of(r.message()));
      parts += records[i].tokens.parts;
      chunks += records[i].tokens.wholes;
    }
    BenchSupport.log(
        "%,d records in memory, %.0f bytes each, %.1f words and %.1f whole chunks per message",
        n, bytes / (double) n, parts / (double) n, chunks / (double) n);

    checkTokens(records, Math.min(n, 20_000));
    double decode = decodeRate(records);
    BenchSupport.log("JSON decoding alone: %,.0f records per CPU-second (one thread)", decode);

    Map<String, double[]> rates = new HashMap<>();
    Map<String, double[]> perCpu = new HashMap<>();
    for (String r : runs) {
      rates.put(r, new double[rounds]);
      perCpu.put(r, new double[rounds]);
    }
    long self = ProcessHandle.current().pid();
    for (int round = -1; round < rounds; round++) {
      for (String run : runs) {
        String step = run.substring(0, run.indexOf('@'));
        double ramMb = Double.parseDouble(run.substring(run.indexOf('@') + 1, run.length() - 2));
        Path dir = root.resolve(step);
        BenchSupport.deleteTree(dir);
        long cpu0 = BenchSupport.cpuTicks(self);
        long t0 = System.nanoTime();
        index(step, records, threads, ramMb, dir);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (BenchSupport.cpuTicks(self) - cpu0) / (double) BenchSupport.clockTicks();
        BenchSupport.deleteTree(dir);
        BenchSupport.log(
            "%s %-15s %,8.0f records/s, CPU %3.0f%%, %,8.0f records per CPU-second",
            round < 0 ? "warm-up" : "round " + (round + 1),
            run,
            n / seconds,
            100 * cpu / seconds,
            n / cpu);
        if (round >= 0) {
          rates.get(run)[round] = n / seconds;
          perCpu.get(run)[round] = n / cpu;
        }
      }
    }
    BenchSupport.log("median of %d rounds, %d threads (step@RAM buffer):", rounds, threads);
    for (String run : runs) {
      BenchSupport.log(
          "  %-15s %,8.0f records/s  %,8.0f records per CPU-second",
          run, median(rates.get(run)), median(perCpu.get(run)));
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /**
   * Stops the bench unless the ready-cut tokens are the tokens {@link LogAnalyzer} gives, with the
   * same position increments, so that the steps before {@code tokenizer} index what the index does.
   */
  private static void checkTokens(Sample[] records, int count) throws java.io.IOException {
    try (LogAnalyzer analyzer = new LogAnalyzer(32_768)) {
      CannedTokens canned = new CannedTokens(false);
      for (int i = 0; i < count; i++) {
        List<String> expected =
            tokens(analyzer.tokenStream(IndexFields.MESSAGE, records[i].record.message()));
        canned.set(records[i].tokens);
        List<String> actual = tokens(canned);
        if (!expected.equals(actual)) {
          throw new IllegalStateException(
              "ready-cut tokens differ from LogAnalyzer's for record "
                  + i
                  + ": "
                  + actual
                  + " vs "
                  + expected);
        }
      }
    }
  }

  private static List<String> tokens(TokenStream ts) throws java.io.IOException {
    List<String> out = new ArrayList<>();
    CharTermAttribute term = ts.getAttribute(CharTermAttribute.class);
    PositionIncrementAttribute inc = ts.getAttribute(PositionIncrementAttribute.class);
    ts.reset();
    while (ts.incrementToken()) {
      out.add(inc.getPositionIncrement() + ":" + term);
    }
    ts.end();
    ts.close();
    return out;
  }

  private static double decodeRate(Sample[] records) {
    long sink = 0;
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long t0 = System.nanoTime();
      for (Sample s : records) {
        sink += LogRecordJson.decode(s.json).message().length();
      }
      best = Math.min(best, System.nanoTime() - t0);
    }
    if (sink == 42) {
      BenchSupport.log("(unlikely)");
    }
    return records.length / (best / 1e9);
  }

  private static void index(String step, Sample[] records, int threads, double ramMb, Path dir)
      throws Exception {
    boolean full = step.equals("full");
    // Ready tokens come with their own token stream; the analyzer only cuts message strings.
    IndexWriterConfig config = new IndexWriterConfig(new LogAnalyzer(32_768));
    config.setRAMBufferSizeMB(ramMb);
    config.setCommitOnClose(false);
    if (full) {
      config.setCodec(Codec.forName("Logpipe912"));
    }
    try (FSDirectory d = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(d, config)) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        Thread w =
            new Thread(
                () -> {
                  try {
                    indexShare(step, records, first, threads, writer);
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                },
                "index-cost-" + t);
        w.start();
        workers.add(w);
      }
      for (Thread w : workers) {
        w.join();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("indexing failed", failure.get());
      }
      writer.commit();
    }
  }

  private static void indexShare(
      String step, Sample[] records, int first, int stride, IndexWriter writer) throws Exception {
    FieldType type = new FieldType();
    type.setTokenized(true);
    type.setOmitNorms(true);
    type.setIndexOptions(
        step.equals("terms") ? IndexOptions.DOCS : IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    type.freeze();
    CannedTokens canned = new CannedTokens(step.equals("terms") || step.equals("positions"));
    Field message = new Field(IndexFields.MESSAGE, canned, type);
    Field text = new Field(IndexFields.MESSAGE, "", type);
    List<IndexableField> one = List.of(message);
    List<IndexableField> analyzed = List.of(text);
    IndexFields.Builder builder = new IndexFields.Builder();
    List<IndexableField> keywords = new ArrayList<>();
    for (int i = first; i < records.length; i += stride) {
      Sample s = records[i];
      switch (step) {
        case "terms", "positions", "chunks" -> {
          canned.set(s.tokens);
          writer.addDocument(one);
        }
        case "tokenizer" -> {
          text.setStringValue(s.record.message());
          writer.addDocument(analyzed);
        }
        case "keywords" -> {
          keywords.clear();
          for (IndexableField f : builder.build(s.record, s.json, 0, s.json.length, i)) {
            // Keyword fields are the builder's StringFields: no name lookups on the timed path.
            if (f instanceof StringField || f.name().equals(IndexFields.MESSAGE)) {
              keywords.add(f);
            }
          }
          writer.addDocument(keywords);
        }
        default -> writer.addDocument(builder.build(s.record, s.json, 0, s.json.length, i));
      }
    }
  }

  private record Sample(LogRecord record, byte[] json, Tokens tokens) {}

  /**
   * A message cut into tokens as {@code LogTokenizer} cuts it, lower-cased: every token's text one
   * after another in {@code text}, with its end and whether it is a whole chunk (stacked on its
   * first part).
   */
  private static final class Tokens implements Words.Sink {
    char[] text = new char[64];
    int[] ends = new int[8];
    boolean[] whole = new boolean[8];
    int count;
    int length;
    int parts;
    int wholes;

    static Tokens of(String message) {
      Tokens t = new Tokens();
      char[] chars = message.toCharArray();
      Words.scan(chars, chars.length, t);
      t.text = Arrays.copyOf(t.text, t.length);
      t.ends = Arrays.copyOf(t.ends, t.count);
      t.whole = Arrays.copyOf(t.whole, t.count);
      return t;
    }

    @Override
    public void chunk(char[] chars, int start, int end, int partCount) {
      if (partCount > 1 && end - start <= Words.MAX_WORD) {
        add(chars, start, end, true);
        wholes++;
      }
    }

    @Override
    public void part(char[] chars, int start, int end) {
      add(chars, start, Math.min(end, start + Words.MAX_WORD), false);
      parts++;
    }

    private void add(char[] chars, int start, int end, boolean isWhole) {
      int len = end - start;
      if (length + len > text.length) {
        text = Arrays.copyOf(text, Math.max(text.length * 2, length + len));
      }
      for (int k = start; k < end; k++) {
        text[length++] = Character.toLowerCase(chars[k]);
      }
      if (count == ends.length) {
        ends = Arrays.copyOf(ends, count * 2);
        whole = Arrays.copyOf(whole, count * 2);
      }
      ends[count] = length;
      whole[count] = isWhole;
      count++;
    }
  }

  /** Replays {@link Tokens}, with or without the whole chunks. */
  private static final class CannedTokens extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute posInc =
        addAttribute(PositionIncrementAttribute.class);
    private final boolean partsOnly;
    private Tokens tokens;
    private int next;
    private boolean stack;

    CannedTokens(boolean partsOnly) {
      this.partsOnly = partsOnly;
    }

    void set(Tokens t) {
      tokens = t;
    }

    @Override
    public void reset() {
      next = 0;
      stack = false;
    }

    @Override
    public boolean incrementToken() {
      while (next < tokens.count) {
        int i = next++;
        boolean isWhole = tokens.whole[i];
        if (isWhole && partsOnly) {
          continue;
        }
        clearAttributes();
        int start = i == 0 ? 0 : tokens.ends[i - 1];
        term.copyBuffer(tokens.text, start, tokens.ends[i] - start);
        posInc.setPositionIncrement(stack ? 0 : 1);
        stack = isWhole;
        return true;
      }
      return false;
    }
  }
}
