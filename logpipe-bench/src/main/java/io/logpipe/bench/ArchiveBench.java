package io.logpipe.bench;

import io.logpipe.archive.ArchiveReader;
import io.logpipe.archive.ArchiveVerifier;
import io.logpipe.archive.CommitMarker;
import io.logpipe.archive.store.FilesystemObjectStore;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Benchmark: Kafka -> archive, against the two limits of that job on this machine, measured in the
 * same run on the same records:
 *
 * <ol>
 *   <li>the consume-only ceiling: a Java consumer with the archiver's settings that only reads the
 *       topic ({@link ConsumeOnly}, its own JVM);
 *   <li>the {@code zstd} command line compressing the same NDJSON at the same level on both cores
 *       ({@code zstd -T2 -3});
 *   <li>logpipe: {@code bin/logpipe run --roles archive} as its own process, into a filesystem
 *       store, timed from its first record to the moment the last record is durable (marker
 *       written); then every record is checked with the verifier.
 * </ol>
 *
 * Then, with the archive's default cut settings, the latency from Kafka append (the producer's
 * acknowledgement) to the record being visible to readers (its commit marker listed), for records
 * produced at a steady rate.
 *
 * <pre>
 * shared/bench/start-kafka.sh --port 19092
 * java -cp ... io.logpipe.bench.ArchiveBench --kafka 127.0.0.1:19092 --records 1000000
 * </pre>
 */
public final class ArchiveBench {
  private final Map<String, String> opts;
  private final String run = Long.toString(System.currentTimeMillis(), 36);

  private ArchiveBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    opts.put("kafka", "127.0.0.1:19092");
    opts.put("records", "3000000");
    opts.put("partitions", "6");
    opts.put("seed", "42");
    opts.put("home", ".");
    opts.put("level", "3");
    opts.put("java-opts", "-Xms512m -Xmx1g");
    opts.put("throughput-max-age", "");
    opts.put("consumers", "2");
    opts.put("latency-seconds", "150");
    opts.put("latency-rate", "2000");
    if (!BenchSupport.options(
        args,
        opts,
        "usage: ArchiveBench [--kafka HOST:PORT] [--records N] [--partitions N] [--seed N]"
            + " [--home LOGPIPE_DIR] [--level ZSTD_LEVEL] [--java-opts OPTS]"
            + " [--consumers N] [--throughput-max-age DURATION] [--latency-seconds S (0: skip)]"
            + " [--latency-rate RECORDS_PER_S] [--logpipe-env K=V,K=V]"
            + " [--write-docs docs/benchmarks.md]")) {
      return;
    }
    new ArchiveBench(opts).run();
  }

  record Limit(String what, long records, long bytes, double seconds, double cpuSeconds) {
    double mbPerSecond() {
      return bytes / seconds / 1e6;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: %.1f MB/s (%,.0f records/s), %.1f CPU-s (%.0f%% of one core)",
          what,
          mbPerSecond(),
          records / seconds,
          cpuSeconds,
          100 * cpuSeconds / seconds);
    }
  }

  private void run() throws Exception {
    String kafka = opts.get("kafka");
    long records = Long.parseLong(opts.get("records"));
    int partitions = Integer.parseInt(opts.get("partitions"));
    int level = Integer.parseInt(opts.get("level"));
    Path home = Path.of(opts.get("home")).toAbsolutePath().normalize();
    Path work = Files.createTempDirectory("logpipe-archive-bench-");
    String load = Files.readString(Path.of("/proc/loadavg")).trim();

    // 1. The records: canonical JSON in Kafka (as logpipe's ingest writes them), the same lines
    // in a file for zstd. Event times over the two hours before now, Kafka times now.
    String topic = "bench.archive." + run;
    BenchSupport.createTopic(kafka, topic, partitions);
    Path ndjson = work.resolve("records.ndjson");
    long bytes = produce(kafka, topic, records, ndjson, Long.parseLong(opts.get("seed")));
    BenchSupport.log("produced %,d records, %.1f MB, to %s", records, bytes / 1e6, topic);

    // 2. The consume-only ceiling: with one consumer, and with as many as the archiver runs.
    int consumers = Integer.parseInt(opts.get("consumers"));
    Limit consumeOne = consumeOnly(home, kafka, topic, 1);
    BenchSupport.log("%s", consumeOne);
    Limit consume = consumers == 1 ? consumeOne : consumeOnly(home, kafka, topic, consumers);
    BenchSupport.log("%s", consume);

    // 3. zstd -T2 at the same level on the same lines.
    Path zst = work.resolve("records.ndjson.zst");
    Process z =
        new ProcessBuilder(
                "sh",
                "-c",
                "zstd -q -f -T2 -" + level + " -o '" + zst + "' '" + ndjson + "' && times")
            .redirectErrorStream(true)
            .start();
    long z0 = System.nanoTime();
    String zOut = new String(z.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (z.waitFor() != 0) {
      throw new IllegalStateException("zstd failed (apt-get install zstd): " + zOut);
    }
    long z1 = System.nanoTime();
    Limit zstd =
        new Limit(
            "zstd -T2 -" + level,
            records,
            bytes,
            (z1 - z0) / 1e9,
            BenchSupport.childCpuSeconds(zOut));
    long zstdSize = Files.size(zst);
    BenchSupport.log("%s, ratio %.2f", zstd, bytes / (double) zstdSize);
    Files.delete(zst);

    // 4. logpipe's archive role.
    Path archive = work.resolve("archive");
    Map<String, String> env = new HashMap<>();
    if (!opts.get("throughput-max-age").isEmpty()) {
      env.put("LOGPIPE_ARCHIVE_MAX_OBJECT_AGE", opts.get("throughput-max-age"));
    }
    env.put("LOGPIPE_ARCHIVE_ZSTD_LEVEL", Integer.toString(level));
    env.put("LOGPIPE_ARCHIVE_CONSUMERS", opts.get("consumers"));
    Limit ours;
    Limit steady;
    ArchiveVerifier.Report report;
    long archivedBytes;
    Process logpipe = startArchiver(home, kafka, topic, archive, work.resolve("staging"), env);
    try {
      URI base = URI.create("http://127.0.0.1:" + port);
      HttpClient client = HttpClient.newHttpClient();
      BenchSupport.awaitHealthy(client, base, logpipe);
      // Sampled every 50 ms: records read, and the process's CPU.
      long t0 = 0;
      long cpu0 = 0;
      long tLow = 0;
      long tHigh = 0;
      long cpuLow = 0;
      long cpuHigh = 0;
      double bytesLow = 0;
      double bytesHigh = 0;
      double recordsLow = 0;
      double recordsHigh = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
      while (true) {
        String m = BenchSupport.get(client, base.resolve("/metrics"));
        long now = System.nanoTime();
        long cpu = BenchSupport.cpuTicks(logpipe.pid());
        double archived = sum(m, "logpipe_archive_records_total");
        double consumed = sum(m, "logpipe_archive_consumed_records_total");
        double consumedBytes = sum(m, "logpipe_archive_consumed_bytes_total");
        if (t0 == 0 && consumed > 0) {
          t0 = now;
          cpu0 = cpu;
        }
        if (tLow == 0 && consumed >= records * 0.25) {
          tLow = now;
          cpuLow = cpu;
          bytesLow = consumedBytes;
          recordsLow = consumed;
        }
        if (tHigh == 0 && consumed >= records * 0.9) {
          tHigh = now;
          cpuHigh = cpu;
          bytesHigh = consumedBytes;
          recordsHigh = consumed;
        }
        if (archived >= records) {
          break;
        }
        if (System.nanoTime() > deadline || !logpipe.isAlive()) {
          throw new IllegalStateException("archived only " + archived + " of " + records);
        }
        Thread.sleep(100);
      }
      long t1 = System.nanoTime();
      long cpu1 = BenchSupport.cpuTicks(logpipe.pid());
      // Values are counted without their newline; the archive stores one per record.
      steady =
          new Limit(
              "logpipe archive, steady state (25% to 90% of the records read)",
              (long) (recordsHigh - recordsLow),
              (long) (bytesHigh - bytesLow + recordsHigh - recordsLow),
              (tHigh - tLow) / 1e9,
              (cpuHigh - cpuLow) / (double) BenchSupport.clockTicks());
      ours =
          new Limit(
              "logpipe archive, first record read to last record durable",
              records,
              bytes,
              (t1 - t0) / 1e9,
              (cpu1 - cpu0) / (double) BenchSupport.clockTicks());
      BenchSupport.log("%s", steady);
      BenchSupport.log("%s", ours);
    } finally {
      logpipe.destroy();
      logpipe.waitFor(60, TimeUnit.SECONDS);
    }
    try (FilesystemObjectStore store = new FilesystemObjectStore(archive)) {
      ArchiveReader reader = new ArchiveReader(store, "");
      report = new ArchiveVerifier(reader).verify(List.of(topic), true);
      archivedBytes = 0;
      for (ArchiveReader.LiveObject o : reader.liveObjects(List.of(topic), null, null)) {
        archivedBytes += o.entry().bytes();
      }
    }
    if (!report.ok() || report.records() != records) {
      throw new IllegalStateException(
          "archive check failed: " + report.records() + " records, " + report.problems());
    }
    BenchSupport.log(
        "verified: %d records in %d objects, ratio %.2f",
        report.records(), report.objects(), bytes / (double) archivedBytes);
    BenchSupport.deleteTree(archive);

    // 5. Append-to-visible latency with the default cut settings.
    String latency = "";
    if (Integer.parseInt(opts.get("latency-seconds")) > 0) {
      latency = latency(home, kafka, work, partitions);
    }

    String text =
        report(
            records,
            bytes,
            partitions,
            level,
            load,
            consumeOne,
            consume,
            zstd,
            zstdSize,
            steady,
            ours,
            archivedBytes,
            report,
            latency);
    System.out.println(text);
    String docs = opts.get("write-docs");
    if (docs != null) {
      BenchmarkDocs.replaceSection(Path.of(docs), "archive", text);
      BenchSupport.log("wrote %s", docs);
    }
    BenchSupport.deleteTree(work);
  }

  private int port;

  private Process startArchiver(
      Path home, String kafka, String topic, Path archive, Path staging, Map<String, String> extra)
      throws IOException {
    port = BenchSupport.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("LOGPIPE_KAFKA_BOOTSTRAP_SERVERS", kafka);
    env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + port);
    env.put("LOGPIPE_KAFKA_TOPICS_REPLICATION_FACTOR", "1");
    env.put("LOGPIPE_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "1");
    String prefix = "bench.archive-node." + run;
    env.put("LOGPIPE_KAFKA_TOPICS_APP_NAME", prefix + ".app");
    env.put("LOGPIPE_KAFKA_TOPICS_COMPONENT_NAME", prefix + ".component");
    env.put("LOGPIPE_KAFKA_TOPICS_DLQ_NAME", prefix + ".dlq");
    env.put("LOGPIPE_ARCHIVE_TOPICS", topic);
    env.put("LOGPIPE_ARCHIVE_GROUP_ID", "bench-archive-" + topic);
    env.put("LOGPIPE_ARCHIVE_DIRECTORY", archive.toString());
    env.put("LOGPIPE_ARCHIVE_STAGING_DIR", staging.toString());
    env.put("LOGPIPE_JAVA_OPTS", opts.get("java-opts"));
    env.put("LOGPIPE_LOG_LEVEL", "warn");
    env.putAll(extra);
    BenchSupport.logpipeEnv(opts, env);
    ProcessBuilder pb =
        new ProcessBuilder(home.resolve("bin/logpipe").toString(), "run", "--roles", "archive")
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    Files.createTempFile("logpipe-archive-bench-", ".log").toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Produces the load generator's records, keyed as logpipe keys them; writes them to a file. */
  private static long produce(String kafka, String topic, long records, Path file, long seed)
      throws Exception {
    Instant start = Instant.now().minus(Duration.ofHours(2));
    LoadGenerator gen = new LoadGenerator(seed, start, Math.max(1, records / 7000.0));
    long bytes = 0;
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(kafka));
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (long i = 0; i < records; i++) {
        LogRecord r = gen.next();
        byte[] v = LogRecordJson.encode(r);
        String key = r.appId() != null ? r.appId() : r.host();
        p.send(
            new ProducerRecord<>(
                topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), v),
            (md, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
            });
        out.write(v);
        out.write('\n');
        bytes += v.length + 1;
      }
      p.flush();
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    return bytes;
  }

  private static Map<String, Object> producerProps(String kafka) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return p;
  }

  private Limit consumeOnly(Path home, String kafka, String topic, int threads) throws Exception {
    String cp =
        home.resolve("logpipe-bench/target/classes")
            + ":"
            + home.resolve("logpipe-bench/target/lib/*");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(opts.get("java-opts").split(" ")));
    cmd.addAll(
        List.of("-cp", cp, ConsumeOnly.class.getName(), kafka, topic, Integer.toString(threads)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("consume-only failed: " + out);
    }
    String[] f = out.lines().reduce((a, b) -> b).orElse("").split(" ");
    return new Limit(
        "consume only ("
            + (threads == 1 ? "one Java consumer" : threads + " Java consumers in one group")
            + ", same settings)",
        Long.parseLong(f[0]),
        Long.parseLong(f[1]),
        Double.parseDouble(f[2]),
        Double.parseDouble(f[3]));
  }

  /**
   * Produces at a steady rate to a fresh topic while an archiver with the default cut settings
   * runs, and measures for every record the time from its acknowledgement by Kafka to the listing
   * of the commit marker that makes it visible.
   */
  private String latency(Path home, String kafka, Path work, int partitions) throws Exception {
    int seconds = Integer.parseInt(opts.get("latency-seconds"));
    int rate = Integer.parseInt(opts.get("latency-rate"));
    String topic = "bench.archive-latency." + run;
    BenchSupport.createTopic(kafka, topic, partitions);
    Path archive = work.resolve("latency-archive");
    int total = seconds * rate;
    long[][] acked = new long[partitions][total];
    long[][] visible = new long[partitions][total];
    for (long[] a : visible) {
      Arrays.fill(a, -1);
    }
    int[] produced = new int[partitions];
    Process logpipe =
        startArchiver(home, kafka, topic, archive, work.resolve("latency-staging"), Map.of());
    try {
      URI base = URI.create("http://127.0.0.1:" + port);
      HttpClient client = HttpClient.newHttpClient();
      BenchSupport.awaitHealthy(client, base, logpipe);
      // Wait until the archiver owns every partition.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (count(
              BenchSupport.get(client, base.resolve("/metrics")), "logpipe_archive_last_offset{")
          < partitions) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the archiver did not get its partitions");
        }
        Thread.sleep(100);
      }
      Set<Path> seen = new HashSet<>();
      Thread watcher =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  try {
                    watch(archive, seen, visible);
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  } catch (IOException e) {
                    // The directory appears with the first marker.
                  }
                }
              });
      watcher.setDaemon(true);
      watcher.start();
      LoadGenerator gen = new LoadGenerator(7, Instant.now(), rate);
      long start = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(kafka))) {
        for (int i = 0; i < total; i++) {
          long due = start + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          LogRecord r = gen.next();
          p.send(
              new ProducerRecord<>(topic, LogRecordJson.encode(r)),
              (md, e) -> {
                if (e == null && md.offset() < total) {
                  acked[md.partition()][(int) md.offset()] = System.currentTimeMillis();
                  synchronized (produced) {
                    produced[md.partition()] =
                        Math.max(produced[md.partition()], (int) md.offset() + 1);
                  }
                }
              });
        }
        p.flush();
      }
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!allVisible(visible, produced)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("records still not visible after 180 s");
        }
        Thread.sleep(200);
      }
      watcher.interrupt();
    } finally {
      logpipe.destroy();
      logpipe.waitFor(60, TimeUnit.SECONDS);
    }
    List<Long> lat = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      for (int o = 0; o < produced[p]; o++) {
        lat.add(visible[p][o] - acked[p][o]);
      }
    }
    lat.sort(Comparator.naturalOrder());
    String line =
        String.format(
            Locale.ROOT,
            "Append to visible, default settings (archive.max_object_age 30s, max_object_size"
                + " 64MiB): %,d records at %,d records/s for %d s over %d partitions:"
                + " p50 %.1f s, p99 %.1f s, max %.1f s (target p99 <= 60 s).",
            lat.size(),
            rate,
            seconds,
            partitions,
            pct(lat, 0.50) / 1000.0,
            pct(lat, 0.99) / 1000.0,
            lat.get(lat.size() - 1) / 1000.0);
    BenchSupport.log("%s", line);
    return line;
  }

  private static void watch(Path archive, Set<Path> seen, long[][] visible) throws IOException {
    Path manifest = archive.resolve("_manifest");
    if (!Files.isDirectory(manifest)) {
      return;
    }
    long now = System.currentTimeMillis();
    try (Stream<Path> s = Files.walk(manifest)) {
      for (Path f : s.filter(x -> x.toString().endsWith(".json")).toList()) {
        if (seen.add(f)) {
          CommitMarker m = CommitMarker.parse(Files.readAllBytes(f));
          synchronized (visible) {
            for (long o = m.start(); o < m.end() && o < visible[m.partition()].length; o++) {
              visible[m.partition()][(int) o] = now;
            }
          }
        }
      }
    }
  }

  private static boolean allVisible(long[][] visible, int[] produced) {
    synchronized (visible) {
      synchronized (produced) {
        return allVisibleLocked(visible, produced);
      }
    }
  }

  private static boolean allVisibleLocked(long[][] visible, int[] produced) {
    for (int p = 0; p < produced.length; p++) {
      for (int o = 0; o < produced[p]; o++) {
        if (visible[p][o] < 0) {
          return false;
        }
      }
    }
    return true;
  }

  private static long pct(List<Long> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static double sum(String metrics, String name) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static int count(String metrics, String prefix) {
    int n = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix)) {
        n++;
      }
    }
    return n;
  }

  private String report(
      long records,
      long bytes,
      int partitions,
      int level,
      String load,
      Limit consumeOne,
      Limit consume,
      Limit zstd,
      long zstdSize,
      Limit steady,
      Limit ours,
      long archivedBytes,
      ArchiveVerifier.Report verified,
      String latency) {
    // The consume-only ceiling is the better of one consumer and as many as the archiver runs.
    Limit ceiling = consumeOne.mbPerSecond() >= consume.mbPerSecond() ? consumeOne : consume;
    double lower = Math.min(ceiling.mbPerSecond(), zstd.mbPerSecond());
    double ratio = bytes / (double) archivedBytes;
    double zstdRatio = bytes / (double) zstdSize;
    StringBuilder b = new StringBuilder();
    b.append("Run ")
        .append(Instant.now().toString(), 0, 16)
        .append("Z on ")
        .append(Machine.describe())
        .append("; load average before the run: ")
        .append(load, 0, load.indexOf(' ', load.indexOf(' ', load.indexOf(' ') + 1) + 1))
        .append(".\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Load: %,d load-generator records (seed %s), %.1f MB of canonical NDJSON (%,.0f bytes"
                + " per record), event times over two hours, in a single-node Kafka 4.3.1 broker on"
                + " %s (its own process), %d partitions, lz4 batches. logpipe: `bin/logpipe run"
                + " --roles archive` as its own process (%s), archive.consumers %s, filesystem store,"
                + " zstd level %d,"
                + " archive.max_object_age %s, other settings default. Steady state: the read rate"
                + " between 25%% and 90%% of the records read (logpipe_archive_consumed_*, sampled"
                + " every 100 ms; the first quarter is the JVM's warm-up: the JIT compilers took"
                + " about a third of a core there; uploads are bounded by archive.max_buffered, so a slow store would"
                + " slow reading down); the last row runs to the last record durable (commit marker"
                + " written), which includes the final max_object_age wait. Every record was then checked with the verifier (%d"
                + " objects, no gap, no overlap, checksums and record counts).\n\n",
            records,
            opts.get("seed"),
            bytes / 1e6,
            bytes / (double) records,
            opts.get("kafka"),
            partitions,
            opts.get("java-opts"),
            opts.get("consumers"),
            level,
            opts.get("throughput-max-age").isEmpty()
                ? "30s (default)"
                : opts.get("throughput-max-age"),
            verified.objects()));
    b.append("| path | MB/s in (raw NDJSON) | records/s | CPU (share of one core) | ratio |\n");
    b.append("|---|---:|---:|---:|---:|\n");
    List<Limit> rows =
        consumeOne == consume
            ? List.of(consume, zstd, steady, ours)
            : List.of(consumeOne, consume, zstd, steady, ours);
    for (Limit l : rows) {
      String r =
          l == zstd
              ? String.format(Locale.ROOT, "%.2f", zstdRatio)
              : l == ours || l == steady ? String.format(Locale.ROOT, "%.2f", ratio) : "-";
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %,.0f | %.0f%% | %s |\n",
              l.what(),
              l.mbPerSecond(),
              l.records() / l.seconds(),
              100 * l.cpuSeconds() / l.seconds(),
              r));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "\nlogpipe archive (steady state) / the lower limit (%s, %.1f MB/s): **%.2fx** (target"
                + " >= 0.7x)."
                + " Compression ratio %.2f against zstd's %.2f: **%+.1f%%** (target: no worse than"
                + " -5%%).\n",
            ceiling.mbPerSecond() <= zstd.mbPerSecond() ? ceiling.what() : zstd.what(),
            lower,
            steady.mbPerSecond() / lower,
            ratio,
            zstdRatio,
            100 * (ratio - zstdRatio) / zstdRatio));
    // CPU per 100 MB of NDJSON: what each part of the job costs on this machine.
    double c = 1e8 * ceiling.cpuSeconds() / ceiling.bytes();
    double z = 1e8 * zstd.cpuSeconds() / zstd.bytes();
    double a = 1e8 * steady.cpuSeconds() / steady.bytes();
    b.append(
        String.format(
            Locale.ROOT,
            "\nCPU-seconds per 100 MB of NDJSON: consume only %.2f, zstd %.2f, logpipe archive %.2f"
                + " (%.2fx the two together). Both limits fill this machine's cores (with the"
                + " broker), and an archiver must do both jobs on the same cores: one that cost"
                + " nothing of its own would reach about %.2f / (%.2f + %.2f) = **%.2fx** the"
                + " consume-only rate here.\n",
            c,
            z,
            a,
            a / (c + z),
            c,
            c,
            z,
            c / (c + z)));
    if (!latency.isEmpty()) {
      b.append("\n").append(latency).append("\n");
    }
    return b.toString();
  }
}
