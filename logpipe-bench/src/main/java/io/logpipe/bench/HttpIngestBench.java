package io.logpipe.bench;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark: HTTP ingest into Kafka, end to end, against the peer that sets the ceiling for
 * "records into Kafka" on this machine: {@code kcat -P} producing the same NDJSON lines with the
 * same settings ({@code acks=all}, idempotence, zstd) to the same broker.
 *
 * <p>Runs {@code bin/logpipe run --roles ingest-http} as its own process against an external broker
 * (start one with {@code shared/bench/start-kafka.sh}), posts the load generator's records in
 * NDJSON batches over several connections, and measures records/s, MB/s, the logpipe process's CPU
 * and memory, and verifies that every record is in Kafka. Then runs kcat on the same lines. Prints
 * a Markdown report and, with {@code --write-docs}, puts it into {@code docs/benchmarks.md}.
 *
 * <pre>
 * shared/bench/start-kafka.sh --port 19092
 * java -cp ... io.logpipe.bench.HttpIngestBench --kafka 127.0.0.1:19092 --records 1000000
 * </pre>
 */
public final class HttpIngestBench {
  private final Map<String, String> opts;

  private HttpIngestBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    opts.put("kafka", "127.0.0.1:19092");
    opts.put("records", "1000000");
    opts.put("batch", "1000");
    opts.put("connections", "4");
    opts.put("seed", "42");
    opts.put("home", ".");
    opts.put("compression", "lz4");
    if (!BenchSupport.options(
        args,
        opts,
        "usage: HttpIngestBench [--kafka HOST:PORT] [--records N] [--batch LINES] [--connections N]"
            + " [--seed N] [--home LOGPIPE_DIR] [--compression lz4|zstd|...]"
            + " [--logpipe-env K=V,K=V] [--write-docs docs/benchmarks.md]")) {
      return;
    }
    new HttpIngestBench(opts).run();
  }

  private void run() throws Exception {
    String kafka = opts.get("kafka");
    long records = Long.parseLong(opts.get("records"));
    int batch = Integer.parseInt(opts.get("batch"));
    int connections = Integer.parseInt(opts.get("connections"));
    Path home = Path.of(opts.get("home")).toAbsolutePath().normalize();
    String run = Long.toString(System.currentTimeMillis(), 36);

    // 1. The load: the same lines for logpipe and for kcat.
    BenchSupport.log("generating %,d records (seed %s)", records, opts.get("seed"));
    LoadGenerator gen = new LoadGenerator(Long.parseLong(opts.get("seed")));
    List<byte[]> bodies = new ArrayList<>();
    Path file = Files.createTempFile("logpipe-bench-", ".ndjson");
    file.toFile().deleteOnExit();
    long totalBytes = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < records; ) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(batch * 400);
        for (int i = 0; i < batch && done < records; i++, done++) {
          b.write(gen.nextNdjsonLine());
        }
        byte[] body = b.toByteArray();
        bodies.add(body);
        out.write(body);
        totalBytes += body.length;
      }
    }
    List<byte[]> warmup = new ArrayList<>();
    // Enough to get the JIT past C2 on the hot paths before the timed part.
    long warmupBatches = Math.max(100, records / 4 / batch);
    for (int i = 0; i < warmupBatches; i++) {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      for (int j = 0; j < batch; j++) {
        b.write(gen.nextNdjsonLine());
      }
      warmup.add(b.toByteArray());
    }

    // 2. logpipe, as its own process.
    String prefix = "bench.http." + run;
    int port = BenchSupport.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("LOGPIPE_KAFKA_BOOTSTRAP_SERVERS", kafka);
    env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + port);
    env.put("LOGPIPE_KAFKA_TOPICS_REPLICATION_FACTOR", "1");
    env.put("LOGPIPE_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "1");
    env.put("LOGPIPE_KAFKA_TOPICS_APP_NAME", prefix + ".app");
    env.put("LOGPIPE_KAFKA_TOPICS_COMPONENT_NAME", prefix + ".component");
    env.put("LOGPIPE_KAFKA_TOPICS_DLQ_NAME", prefix + ".dlq");
    env.put("LOGPIPE_JAVA_OPTS", opts.getOrDefault("java-opts", "-Xms512m -Xmx1g"));
    env.put("LOGPIPE_LOG_LEVEL", "warn");
    env.put("LOGPIPE_KAFKA_PRODUCER_COMPRESSION", opts.get("compression"));
    // --logpipe-env K=V,K=V: settings under test, such as LOGPIPE_KAFKA_PRODUCER_LINGER=20ms.
    BenchSupport.logpipeEnv(opts, env);
    ProcessBuilder pb =
        new ProcessBuilder(home.resolve("bin/logpipe").toString(), "run", "--roles", "ingest-http")
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    Files.createTempFile("logpipe-bench-", ".log").toFile()));
    pb.environment().putAll(env);
    Process logpipe = pb.start();
    Result ours;
    try {
      URI base = URI.create("http://127.0.0.1:" + port);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      BenchSupport.awaitHealthy(client, base, logpipe);
      List<String> topics = List.of(prefix + ".app", prefix + ".component");
      post(client, base, warmup, connections);
      long before = BenchSupport.endOffsets(kafka, topics);
      long cpu0 = BenchSupport.cpuTicks(logpipe.pid());
      long t0 = System.nanoTime();
      long accepted = post(client, base, bodies, connections);
      long t1 = System.nanoTime();
      long cpu1 = BenchSupport.cpuTicks(logpipe.pid());
      long inKafka = BenchSupport.endOffsets(kafka, topics) - before;
      String metrics = BenchSupport.get(client, base.resolve("/metrics"));
      ours =
          new Result(
              "logpipe HTTP ingest ("
                  + connections
                  + " connections, "
                  + batch
                  + " lines per request)",
              accepted,
              totalBytes,
              (t1 - t0) / 1e9,
              (cpu1 - cpu0) / (double) BenchSupport.clockTicks(),
              BenchSupport.heapUsed(metrics),
              BenchSupport.rss(logpipe.pid()));
      if (accepted != records || inKafka != records) {
        throw new IllegalStateException(
            "lost records: sent " + records + ", accepted " + accepted + ", in Kafka " + inKafka);
      }
      BenchSupport.log("%s", ours);
    } finally {
      logpipe.destroy();
      logpipe.waitFor(60, TimeUnit.SECONDS);
    }

    // 3. The peer: kcat producing the same lines, same delivery settings, same broker.
    String peerTopic = "bench.kcat." + run;
    BenchSupport.createTopic(kafka, peerTopic, 6);
    long peerBefore = BenchSupport.endOffsets(kafka, List.of(peerTopic));
    long k0 = System.nanoTime();
    Process kcat =
        new ProcessBuilder(
                "sh",
                "-c",
                "kcat -P -b "
                    + kafka
                    + " -t "
                    + peerTopic
                    + " -z "
                    + opts.get("compression")
                    + " -X acks=all -X enable.idempotence=true -X linger.ms=5"
                    + " -X batch.size=262144 -X queue.buffering.max.messages=1000000 -l '"
                    + file
                    + "' && times")
            .redirectErrorStream(true)
            .start();
    String kcatOut = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kcat.waitFor() != 0) {
      throw new IllegalStateException("kcat failed: " + kcatOut);
    }
    long k1 = System.nanoTime();
    long peerCount = BenchSupport.endOffsets(kafka, List.of(peerTopic)) - peerBefore;
    Result peer =
        new Result(
            "kcat -P (librdkafka, acks=all, idempotent, " + opts.get("compression") + ")",
            peerCount,
            totalBytes,
            (k1 - k0) / 1e9,
            BenchSupport.childCpuSeconds(kcatOut),
            -1,
            -1);
    BenchSupport.log("%s", peer);

    String report = report(ours, peer, records, totalBytes, connections, batch, kafka);
    System.out.println(report);
    String docs = opts.get("write-docs");
    if (docs != null) {
      BenchmarkDocs.replaceSection(Path.of(docs), "http-ingest", report);
      BenchSupport.log("wrote %s", docs);
    }
  }

  record Result(
      String what,
      long records,
      long bytes,
      double seconds,
      double cpuSeconds,
      long heapBytes,
      long rssBytes) {
    double recordsPerSecond() {
      return records / seconds;
    }

    double mbPerSecond() {
      return bytes / seconds / 1e6;
    }

    double recordsPerCpuSecond() {
      return records / cpuSeconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: %,.0f records/s, %.1f MB/s, %.1f CPU-s (%.0f%% of one core), %,.0f records per CPU-s",
          what,
          recordsPerSecond(),
          mbPerSecond(),
          cpuSeconds,
          100 * cpuSeconds / seconds,
          recordsPerCpuSecond());
    }
  }

  private String report(
      Result ours,
      Result peer,
      long records,
      long bytes,
      int connections,
      int batch,
      String kafka) {
    StringBuilder b = new StringBuilder();
    b.append("Run ")
        .append(Instant.now().toString(), 0, 16)
        .append("Z on ")
        .append(Machine.describe())
        .append(".\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Load: %,d load-generator records (seed %s), %.1f MB of NDJSON (%,.0f bytes per line), into a"
                + " single-node Kafka 4.3.1 broker on %s (its own process), 6 partitions, %s compression on"
                + " both sides. logpipe: `bin/logpipe"
                + " run --roles ingest-http` as its own process (%s), %d client connections posting %d"
                + " lines per request from the bench JVM on the same machine. Every record was checked"
                + " into Kafka (end offsets).\n\n",
            records,
            opts.get("seed"),
            bytes / 1e6,
            bytes / (double) records,
            kafka,
            opts.get("compression"),
            opts.getOrDefault("java-opts", "-Xms512m -Xmx1g"),
            connections,
            batch));
    b.append(
        "| path | records/s | MB/s | CPU (share of one core) | records per CPU-second | heap used | RSS |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : List.of(ours, peer)) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.1f | %.0f%% | %,.0f | %s | %s |\n",
              r.what(),
              r.recordsPerSecond(),
              r.mbPerSecond(),
              100 * r.cpuSeconds() / r.seconds(),
              r.recordsPerCpuSecond(),
              r.heapBytes() < 0 ? "-" : r.heapBytes() / (1024 * 1024) + " MiB",
              r.rssBytes() < 0 ? "-" : r.rssBytes() / (1024 * 1024) + " MiB"));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "\nRatio logpipe / kcat: %.2fx the throughput, %.2fx the records per CPU-second.\n",
            ours.recordsPerSecond() / peer.recordsPerSecond(),
            ours.recordsPerCpuSecond() / peer.recordsPerCpuSecond()));
    return b.toString();
  }

  /** Posts every body over {@code connections} threads; returns the accepted count. */
  private static long post(HttpClient client, URI base, List<byte[]> bodies, int connections)
      throws InterruptedException {
    ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>(bodies);
    AtomicLong accepted = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    URI uri = base.resolve("/api/v1/ingest");
    for (int i = 0; i < connections; i++) {
      Thread t =
          new Thread(
              () -> {
                byte[] body;
                while ((body = queue.poll()) != null && errors.isEmpty()) {
                  try {
                    HttpResponse<String> r =
                        client.send(
                            HttpRequest.newBuilder(uri)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                    }
                    int i1 = r.body().indexOf("\"accepted\":") + 11;
                    accepted.addAndGet(
                        Long.parseLong(r.body().substring(i1, r.body().indexOf(',', i1))));
                  } catch (Exception e) {
                    errors.add(e);
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("ingest failed", errors.get(0));
    }
    return accepted.get();
  }
}
