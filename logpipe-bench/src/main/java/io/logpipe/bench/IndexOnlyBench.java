package io.logpipe.bench;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.index.IndexSettings;
import io.logpipe.index.LogIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The index's own cost, without Kafka: the load generator's records, encoded once in memory, are
 * added to a fresh {@link LogIndex} in poll-sized batches as the indexer adds them (same threads,
 * refresh every 10 s as when catching up, a final refresh), several times over after warm-up runs
 * (the first run is the JIT's: half the rate of the third). With no broker and no consumer on the
 * same two cores, runs spread less than {@code bench/index.sh}'s, which makes this the tool for
 * judging a change to indexing; the end-to-end figure stays {@code IndexBench}'s.
 *
 * <pre>
 * java -cp "logpipe-bench/target/classes:logpipe-bench/target/lib/*" io.logpipe.bench.IndexOnlyBench \
 *     [--records 1000000] [--runs 3] [--threads 0] [--dir /tmp/logpipe-index-only]
 * </pre>
 *
 * Prints each run's records/s (until every record is searchable: the final refresh writes what is
 * left on one thread, a few seconds that weigh less the more records there are; use a million or
 * more), CPU and records per CPU-second, then the median run.
 */
public final class IndexOnlyBench {
  private IndexOnlyBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    opts.put("records", "1000000");
    opts.put("runs", "3");
    opts.put("warmup", "2");
    opts.put("threads", "0");
    opts.put("dir", "/tmp/logpipe-index-only");
    if (!BenchSupport.options(
        args,
        opts,
        "usage: IndexOnlyBench [--records N] [--runs N] [--warmup N (runs not counted)]"
            + " [--threads N (0: one per core)] [--dir DIR]")) {
      return;
    }
    int n = Integer.parseInt(opts.get("records"));
    int runs = Integer.parseInt(opts.get("runs"));
    int warmup = Integer.parseInt(opts.get("warmup"));
    Instant end = Instant.now();
    LoadGenerator gen = new LoadGenerator(42, end.minus(Duration.ofHours(48)), n / (48 * 3600.0));
    List<LogIndex.Entry> entries = new ArrayList<>(n);
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      LogRecord r = gen.next();
      byte[] v = LogRecordJson.encode(r);
      bytes += v.length;
      TopicPartition tp = new TopicPartition("logs.app", i % 6);
      entries.add(new LogIndex.Entry(tp, i / 6, r.observedTime().toEpochMilli(), v));
    }
    BenchSupport.log("%,d records in memory, %.0f bytes each", n, bytes / (double) n);
    IndexSettings settings =
        IndexSettings.defaults().withThreads(Integer.parseInt(opts.get("threads")));
    long self = ProcessHandle.current().pid();
    double[] rates = new double[runs];
    for (int run = -warmup; run < runs; run++) {
      Path dir = Path.of(opts.get("dir")).resolve("run" + (run + warmup));
      BenchSupport.deleteTree(dir);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      long cpu0 = BenchSupport.cpuTicks(self);
      long t0 = System.nanoTime();
      long added;
      try (LogIndex index =
          LogIndex.open(dir, settings.withDir(dir), Clock.systemUTC(), registry)) {
        long nextRefresh = t0 + Duration.ofSeconds(10).toNanos();
        for (int from = 0; from < n; from += 2000) {
          index.addAll(entries.subList(from, Math.min(n, from + 2000)), (o, c) -> {});
          if (System.nanoTime() - nextRefresh >= 0 && index.refreshInBackground()) {
            nextRefresh = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          }
        }
        // Every slice handed over is added once refresh() starts its own work.
        added = System.nanoTime();
        index.refresh();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = (BenchSupport.cpuTicks(self) - cpu0) / (double) BenchSupport.clockTicks();
      BenchSupport.log(
          "%s %d: %,.0f records/s, CPU %.0f%%, %,.0f records per CPU-second (all handed over"
              + " after %.1f s, searchable after %.1f s)",
          run < 0 ? "warm-up" : "run",
          run < 0 ? run + warmup + 1 : run + 1,
          n / seconds,
          100 * cpu / seconds,
          n / cpu,
          (added - t0) / 1e9,
          seconds);
      if (run >= 0) {
        rates[run] = n / seconds;
      }
      BenchSupport.deleteTree(dir);
    }
    Arrays.sort(rates);
    BenchSupport.log(
        "median of %d runs: %,.0f records/s (min %,.0f, max %,.0f), %d indexing threads",
        runs, rates[runs / 2], rates[0], rates[runs - 1], settings.indexThreads());
  }
}
