package io.logpipe.bench;

import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.index.IndexFields;
import io.logpipe.index.IndexSettings;
import io.logpipe.index.Indexer;
import io.logpipe.index.LogIndex;
import io.logpipe.index.LogSearch;
import io.logpipe.index.query.QueryNode;
import io.logpipe.index.query.QueryParser;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.BytesRef;

/**
 * Benchmark of the index role, on the load generator's records:
 *
 * <ol>
 *   <li>writes N records (default 10 million) spread over the last two days into two fresh topics
 *       of a Kafka broker (its own process, {@code bench/index.sh} starts one);
 *   <li><b>indexing</b>: runs the real {@link Indexer} (its own consumer group, refresh every 500
 *       ms, commits every 30 s) from the beginning until every record is in the index: records/s,
 *       MB/s of record JSON and CPU of this process; the peer is {@code kcat -C} reading the same
 *       topics to the end, the ceiling of "reading these records from Kafka on this machine";
 *   <li><b>queries</b> over the whole index: one app (a loud one, a middling one, a quiet one) in
 *       the last 24 hours, newest first, 100 records; the same with a word; the same as a
 *       histogram; a word over every app; p50 and p99 of many runs;
 *   <li><b>time to searchable</b>: with the indexer caught up and a steady background load, probe
 *       records are produced, and each is looked for every 20 ms from the moment Kafka acknowledged
 *       it until a search finds it.
 * </ol>
 */
public final class IndexBench {
  private final Map<String, String> opts;

  private IndexBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    opts.put("kafka", "127.0.0.1:19092");
    opts.put("records", "10000000");
    opts.put("seed", "42");
    opts.put("dir", "/tmp/logpipe-index-bench");
    opts.put("probes", "300");
    opts.put("background-rate", "0,10000");
    opts.put("query-runs", "200");
    if (!BenchSupport.options(
        args,
        opts,
        "usage: IndexBench [--kafka HOST:PORT] [--records N] [--seed N] [--dir DIR]"
            + " [--probes N] [--background-rate R,R] [--query-runs N] [--topics PREFIX (reuse)]"
            + " [--write-docs docs/benchmarks.md] [--section index]")) {
      return;
    }
    opts.put(
        "command",
        "bench/index.sh "
            + String.join(" ", args).replaceAll("(^| )--(write-docs|kafka) \\S+", "").trim());
    new IndexBench(opts).run();
  }

  private static KafkaProducer<byte[], byte[]> producer(String kafka, int lingerMs) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(p);
  }

  private static ProducerRecord<byte[], byte[]> toKafka(List<String> topics, LogRecord r) {
    byte[] v = LogRecordJson.encode(r);
    String key = r.kafkaKey();
    return new ProducerRecord<>(
        topics.get(r.kind() == io.logpipe.core.record.Kind.APP ? 0 : 1),
        null,
        r.observedTime().toEpochMilli(),
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        v);
  }

  private void run() throws Exception {
    String kafka = opts.get("kafka");
    long n = Long.parseLong(opts.get("records"));
    String run = Long.toString(System.currentTimeMillis(), 36);
    String prefix = opts.getOrDefault("topics", "bench.index." + run);
    List<String> topics = List.of(prefix + ".app", prefix + ".component");
    StringBuilder report = new StringBuilder();
    String uptimeBefore = uptime();

    // 1. The records, spread over the last 48 hours.
    long bytes;
    Instant end = Instant.now();
    if (!opts.containsKey("topics")) {
      BenchSupport.createTopic(kafka, topics.get(0), 6);
      BenchSupport.createTopic(kafka, topics.get(1), 6);
      Instant start = end.minus(Duration.ofHours(48));
      LoadGenerator gen =
          new LoadGenerator(Long.parseLong(opts.get("seed")), start, n / (48 * 3600.0));
      long t0 = System.nanoTime();
      AtomicLong total = new AtomicLong();
      try (KafkaProducer<byte[], byte[]> p = producer(kafka, 20)) {
        for (long i = 0; i < n; i++) {
          LogRecord r = gen.next();
          // Observed a few ms after the event, as the generator stamps it; arrival days follow.
          ProducerRecord<byte[], byte[]> pr = toKafka(topics, r);
          total.addAndGet(pr.value().length);
          p.send(pr);
          if (i % 1_000_000 == 0 && i > 0) {
            BenchSupport.log("produced %,d records", i);
          }
        }
        p.flush();
      }
      bytes = total.get();
      BenchSupport.log(
          "produced %,d records (%.1f MB of JSON, %.0f bytes each) in %.0f s to %s",
          n, bytes / 1e6, bytes / (double) n, (System.nanoTime() - t0) / 1e9, prefix);
    } else {
      bytes = -1;
    }
    long inKafka = BenchSupport.endOffsets(kafka, topics);

    // 2. Indexing, from the beginning to the end of both topics.
    Path dir = Path.of(opts.get("dir")).resolve(run);
    Files.createDirectories(dir);
    // LOGPIPE_INDEX_* variables set index settings, as for logpipe itself (experiments).
    Map<String, String> env = new HashMap<>();
    System.getenv()
        .forEach(
            (k, v) -> {
              if (k.startsWith("LOGPIPE_INDEX_")) {
                env.put(k, v);
              }
            });
    ConfigNode root = ConfigNode.root(ConfigFiles.parse("{}", "bench"), env, "bench");
    KafkaSettings ks = KafkaSettings.from(root.section("kafka"));
    IndexSettings is = IndexSettings.from(root.section("index")).withDir(dir);
    root.finish();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LogIndex index = LogIndex.open(dir, is, Clock.systemUTC(), registry);
    Indexer indexer =
        new Indexer(
            ks,
            kafka,
            topics,
            is.withDir(dir),
            index,
            () -> LogIndex.open(dir, is, Clock.systemUTC(), registry),
            registry,
            Clock.systemUTC());
    long self = ProcessHandle.current().pid();
    long cpu0 = BenchSupport.cpuTicks(self);
    long t0 = System.nanoTime();
    indexer.start();
    // Done when every record is searchable (the indexer's own refreshes; the index is the
    // indexer thread's to write, so this thread only watches).
    long read;
    while ((read = sum(indexer.index().positions(), topics)) < inKafka) {
      if (registry.get("logpipe.index.errors").counter().count() > 0) {
        // The role rolls back and retries for ever; a benchmark must not wait for ever.
        indexer.close(Duration.ofSeconds(10));
        throw new IllegalStateException(
            "the indexer failed and rolled back (logpipe.index.errors > 0): see its error above");
      }
      Thread.sleep(50);
    }
    long t1 = System.nanoTime();
    long cpu1 = BenchSupport.cpuTicks(self);
    double seconds = (t1 - t0) / 1e9;
    double cpuSeconds = (cpu1 - cpu0) / (double) BenchSupport.clockTicks();
    long docs;
    try (LogIndex.Snapshot s = indexer.index().acquire(null, null)) {
      docs = s.searcher().getIndexReader().numDocs();
    }
    if (bytes < 0) {
      bytes = (long) (inKafka * 700.0);
    }
    BenchSupport.log(
        "indexed %,d records (%,d searchable) in %.1f s: %,.0f docs/s, %.1f MB/s, CPU %.0f%%",
        read, docs, seconds, read / seconds, bytes / seconds / 1e6, 100 * cpuSeconds / seconds);
    // The peer: kcat reading the same topics to the end.
    double[] kcat = kcat(kafka, topics);

    // 3. Queries over the whole index.
    Map<String, long[]> latencies = queries(indexer.index(), is, end, registry);

    // 4. Time to searchable under steady loads.
    Map<String, long[]> tts = new LinkedHashMap<>();
    for (String rate : opts.get("background-rate").split(",")) {
      tts.put(
          rate.trim(),
          timeToSearchable(
              kafka, topics, indexer.index(), is, registry, Double.parseDouble(rate.trim())));
    }

    indexer.close(Duration.ofSeconds(60));
    String uptimeAfter = uptime();
    // Committed by close, with the probes and background records of the time-to-searchable runs.
    long size = size(dir);
    long indexed =
        (long) registry.get("logpipe.index.records").tag("outcome", "indexed").counter().count();

    report
        .append("Run ")
        .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES))
        .append(" on ")
        .append(Machine.describe())
        .append(". Load average before: ")
        .append(uptimeBefore)
        .append("; after: ")
        .append(uptimeAfter)
        .append(".\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "Load: %,d load-generator records (seed %s) over 48 hours of event time, %.1f GB of"
                + " record JSON (%.0f bytes each on average), in two topics of 6 partitions each on"
                + " a single-node Kafka 4.3.1 broker (its own process, lz4). Command: `%s`. The index role"
                + " runs in the bench JVM (settings: refresh %d ms, commit %d s, RAM buffer %d MiB,"
                + " %d indexing threads); it is on disk %.1f GB after the run (%.0f bytes per"
                + " record, record JSON stored).\n\n",
            inKafka,
            opts.get("seed"),
            bytes / 1e9,
            bytes / (double) inKafka,
            opts.get("command"),
            is.refreshInterval().toMillis(),
            is.commitInterval().toSeconds(),
            is.ramBuffer().bytes() >> 20,
            is.indexThreads(),
            size / 1e9,
            size / (double) Math.max(1, indexed)));
    report.append(
        "| indexing | records/s | MB/s | CPU (share of one core) | records per CPU-second |\n");
    report.append("|---|---:|---:|---:|---:|\n");
    report.append(
        String.format(
            Locale.ROOT,
            "| logpipe index role (Kafka -> Lucene, exactly once) | %,.0f | %.1f | %.0f%% | %,.0f |\n",
            read / seconds,
            bytes / seconds / 1e6,
            100 * cpuSeconds / seconds,
            read / cpuSeconds));
    report.append(
        String.format(
            Locale.ROOT,
            "| peer: kcat -C reading the same topics to the end (no parsing, no index) | %,.0f | %.1f"
                + " | %.0f%% | %,.0f |\n\n",
            inKafka / kcat[0],
            bytes / kcat[0] / 1e6,
            100 * kcat[1] / kcat[0],
            inKafka / kcat[1]));
    report.append(
        String.format(
            Locale.ROOT,
            "Ratio index / kcat: %.2fx the records per second.\n\n",
            (read / seconds) / (inKafka / kcat[0])));
    report
        .append(
            "Query latency over the whole index (in-process `LogSearch`, as the API runs it; 100"
                + " records per page, newest first; the time range is the last 24 hours of the"
                + " data; each query ")
        .append(opts.get("query-runs"))
        .append(" times after a warm-up, one at a time):\n\n");
    report.append(
        "| query | matching records | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
    for (Map.Entry<String, long[]> e : latencies.entrySet()) {
      long[] l = e.getValue();
      report.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %.1f | %.1f | %.1f |\n",
              e.getKey(),
              l[l.length - 1],
              pct(l, 0.5) / 1e6,
              pct(l, 0.99) / 1e6,
              max(l) / 1e6));
    }
    report.append(
        "\nTime to searchable: from Kafka's acknowledgement of a probe record to the first search"
            + " that finds it (searches every 20 ms, probes every 100 ms), while a background"
            + " producer in the bench JVM writes generated records at a steady rate:\n\n"
            + "| background load, records/s | probes | p50 ms | p99 ms | max ms |\n"
            + "|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, long[]> e : tts.entrySet()) {
      long[] t = e.getValue();
      report.append(
          String.format(
              Locale.ROOT,
              "| %,d | %d | %d | %d | %d |\n",
              Long.parseLong(e.getKey()),
              t.length - 1,
              pct(t, 0.5),
              pct(t, 0.99),
              max(t)));
    }
    System.out.println(report);
    String docsFile = opts.get("write-docs");
    if (docsFile != null) {
      BenchmarkDocs.replaceSection(
          Path.of(docsFile), opts.getOrDefault("section", "index"), report.toString());
      BenchSupport.log("wrote the report into %s", docsFile);
    }
    BenchSupport.deleteTree(dir);
  }

  private static long sum(Map<TopicPartition, Long> positions, List<String> topics) {
    long s = 0;
    for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
      if (topics.contains(e.getKey().topic())) {
        s += e.getValue();
      }
    }
    return s;
  }

  private static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0]
          + " "
          + Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[1]
          + " "
          + Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** kcat reading the topics to the end: {seconds, CPU seconds}. */
  private static double[] kcat(String kafka, List<String> topics) throws Exception {
    StringBuilder cmd = new StringBuilder();
    for (String t : topics) {
      cmd.append("kcat -C -b ")
          .append(kafka)
          .append(" -t ")
          .append(t)
          .append(" -o beginning -e -q -f '%s\\n' > /dev/null && ");
    }
    cmd.append("times");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("bash", "-c", cmd.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("kcat failed: " + out);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = BenchSupport.childCpuSeconds(out);
    BenchSupport.log("kcat -C read both topics in %.1f s, %.1f CPU-s", seconds, cpu);
    return new double[] {seconds, cpu};
  }

  /** App names by how many records they have, most first. */
  private static List<Map.Entry<String, Integer>> apps(IndexReader reader) throws IOException {
    List<Map.Entry<String, Integer>> out = new ArrayList<>();
    Terms terms = MultiTerms.getTerms(reader, IndexFields.APP);
    TermsEnum te = terms.iterator();
    for (BytesRef t; (t = te.next()) != null; ) {
      String name = t.utf8ToString();
      if (name.length() != 36) { // names, not GUIDs
        out.add(Map.entry(name, te.docFreq()));
      }
    }
    out.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    return out;
  }

  private Map<String, long[]> queries(
      LogIndex index, IndexSettings is, Instant end, SimpleMeterRegistry registry)
      throws Exception {
    LogSearch search = new LogSearch(() -> index, is, registry);
    List<Map.Entry<String, Integer>> apps;
    try (LogIndex.Snapshot s = index.acquire(null, null)) {
      apps = apps(s.searcher().getIndexReader());
    }
    Map<String, String> picks = new LinkedHashMap<>();
    picks.put("loud", apps.get(0).getKey());
    picks.put("middling", apps.get(apps.size() / 4).getKey());
    picks.put("quiet", apps.get(apps.size() * 3 / 4).getKey());
    BenchSupport.log("apps: %s", picks);
    Instant from = end.minus(Duration.ofHours(24));
    int runs = Integer.parseInt(opts.get("query-runs"));
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> app : picks.entrySet()) {
      for (String term : new String[] {null, "error", "timeout"}) {
        String q = "app:\"" + app.getValue() + "\"" + (term == null ? "" : " " + term);
        QueryNode node = QueryParser.parse("q", q);
        out.put(
            "app (" + app.getKey() + ") + 24 h" + (term == null ? "" : " + word `" + term + "`"),
            time(
                runs,
                () -> search.search(new LogSearch.Request(node, from, end, true, 100, null)),
                () -> count(search, node, from, end)));
      }
      QueryNode node = QueryParser.parse("q", "app:\"" + app.getValue() + "\"");
      out.put(
          "histogram: app (" + app.getKey() + ") + 24 h, 30-minute buckets",
          time(
              runs,
              () -> search.histogram(node, from, end, Duration.ofMinutes(30)),
              () -> count(search, node, from, end)));
    }
    for (String q : new String[] {"NullPointerException", "\"connection refused\"", "level:err"}) {
      QueryNode node = QueryParser.parse("q", q);
      out.put(
          "every app + 24 h + `" + q + "`",
          time(
              runs,
              () -> search.search(new LogSearch.Request(node, from, end, true, 100, null)),
              () -> count(search, node, from, end)));
    }
    return out;
  }

  private static long count(LogSearch search, QueryNode node, Instant from, Instant end)
      throws IOException {
    return search.histogram(node, from, end, Duration.ofHours(25)).total();
  }

  interface Work {
    Object run() throws Exception;
  }

  interface Count {
    long run() throws Exception;
  }

  /** Latencies in ns, sorted, with the match count appended at the end. */
  private static long[] time(int runs, Work w, Count matches) throws Exception {
    for (int i = 0; i < Math.min(20, runs); i++) {
      w.run();
    }
    long[] l = new long[runs + 1];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      w.run();
      l[i] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(l, 0, runs);
    l[runs] = matches.run();
    return l;
  }

  private static long pct(long[] sortedWithCount, double p) {
    int n = sortedWithCount.length - 1;
    return sortedWithCount[Math.min(n - 1, (int) Math.ceil(p * n) - 1)];
  }

  private static long max(long[] sortedWithCount) {
    return sortedWithCount[sortedWithCount.length - 2];
  }

  /** Probe records under a background load: ms from Kafka's ack to the first search finding it. */
  private long[] timeToSearchable(
      String kafka,
      List<String> topics,
      LogIndex index,
      IndexSettings is,
      SimpleMeterRegistry r,
      double rate)
      throws Exception {
    int probes = Integer.parseInt(opts.get("probes"));
    LogSearch search = new LogSearch(() -> index, is, r);
    AtomicBoolean stop = new AtomicBoolean();
    Map<String, Long> acked = new ConcurrentHashMap<>();
    Map<String, Long> seen = new ConcurrentHashMap<>();
    AtomicLong pollErrors = new AtomicLong();
    Thread background =
        new Thread(
            () -> {
              if (rate <= 0) {
                return;
              }
              LoadGenerator gen = new LoadGenerator(7, Instant.now(), rate);
              try (KafkaProducer<byte[], byte[]> p = producer(kafka, 5)) {
                long t0 = System.nanoTime();
                long sent = 0;
                while (!stop.get()) {
                  long due = (long) ((System.nanoTime() - t0) / 1e9 * rate);
                  for (; sent < due; sent++) {
                    LogRecord rec = gen.next().toBuilder().times(Instant.now()).build();
                    p.send(toKafka(topics, rec));
                  }
                  Thread.sleep(1);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-background");
    background.start();
    QueryNode probeQuery = QueryParser.parse("q", "app:bench-probe");
    Thread poller =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  LogSearch.Page page =
                      search.search(
                          new LogSearch.Request(probeQuery, null, null, true, 1000, null));
                  long now = System.nanoTime();
                  for (byte[] b : page.records()) {
                    seen.putIfAbsent(LogRecordJson.decode(b).message(), now);
                  }
                } catch (Exception e) {
                  pollErrors.incrementAndGet(); // counted, reported; the poller goes on
                }
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-poller");
    poller.start();
    Thread.sleep(3000); // the background load settles
    try (KafkaProducer<byte[], byte[]> p = producer(kafka, 0)) {
      for (int i = 0; i < probes; i++) {
        String id = "probe-" + (long) rate + "-" + i;
        LogRecord rec =
            LogRecord.app().appName("bench-probe").times(Instant.now()).message(id).build();
        p.send(toKafka(topics, rec), (md, e) -> acked.put(id, System.nanoTime()));
        Thread.sleep(100);
      }
      p.flush();
    }
    // Wait for this run's probes (the poller also sees those of earlier runs).
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      long found = 0;
      for (int i = 0; i < probes; i++) {
        found += seen.containsKey("probe-" + (long) rate + "-" + i) ? 1 : 0;
      }
      if (found == probes) {
        break;
      }
      Thread.sleep(50);
    }
    stop.set(true);
    background.join();
    poller.join();
    List<Long> tts = new ArrayList<>();
    for (int i = 0; i < probes; i++) {
      Long a = acked.get("probe-" + (long) rate + "-" + i);
      Long s = seen.get("probe-" + (long) rate + "-" + i);
      if (a != null) {
        tts.add(s == null ? Long.MAX_VALUE / 1_000_000 : Math.max(0, (s - a) / 1_000_000));
      }
    }
    Collections.sort(tts);
    long[] out = new long[tts.size() + 1];
    for (int i = 0; i < tts.size(); i++) {
      out[i] = tts.get(i);
    }
    out[tts.size()] = tts.size();
    BenchSupport.log(
        "time to searchable at %.0f records/s: %d probes, p50 %d ms, p99 %d ms, max %d ms (%d"
            + " failed searches)",
        rate, tts.size(), pct(out, 0.5), pct(out, 0.99), max(out), pollErrors.get());
    if (pollErrors.get() > 0) {
      throw new IllegalStateException(pollErrors.get() + " searches failed while probing");
    }
    return out;
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
