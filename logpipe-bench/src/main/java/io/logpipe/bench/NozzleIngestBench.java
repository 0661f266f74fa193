package io.logpipe.bench;

import com.google.protobuf.ByteString;
import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Stream;
import io.logpipe.nozzle.fake.FakeRlpGateway;
import io.logpipe.nozzle.fake.FakeTrafficController;
import io.logpipe.nozzle.fake.FakeUaa;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.LogFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * Benchmark: the Cloud Foundry nozzle, log envelopes decoded and produced to Kafka, for the v2 RLP
 * gateway (SSE, JSON batches) and the v1 firehose (WebSocket, protobuf).
 *
 * <p>The fake gateway and traffic controller run in this JVM and write prepared envelopes (made
 * from the load generator's app lines, with the tags Cloud Foundry puts on app log envelopes) as
 * fast as the nozzle reads them; the nozzle runs as its own process ({@code bin/logpipe run --roles
 * nozzle}, heap capped) against a single-node Kafka in its own process. Records are counted in
 * Kafka (end offsets) from the start of the stream to the last offset change; the nozzle's CPU is
 * its own process's, its heap is sampled from {@code /metrics} while it runs. The peer is {@code
 * kcat -P} producing the very records the nozzle produced, with the same delivery settings, to the
 * same broker: the ceiling of "records into this Kafka on this machine".
 *
 * <pre>
 * bench/nozzle.sh --duration 20
 * </pre>
 */
public final class NozzleIngestBench {
  private final Map<String, String> opts;

  private NozzleIngestBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    opts.put("kafka", "127.0.0.1:19092");
    opts.put("duration", "20");
    opts.put("warmup", "8");
    opts.put("envelopes", "20000");
    opts.put("batch", "100");
    opts.put("seed", "42");
    opts.put("home", ".");
    opts.put("api", "v2,v1");
    opts.put("java-opts", "-Xms512m -Xmx512m");
    opts.put("peer", "kcat");
    if (!BenchSupport.options(
        args,
        opts,
        "usage: NozzleIngestBench [--kafka HOST:PORT] [--api v2,v1] [--duration S] [--warmup S]"
            + " [--envelopes N] [--batch N] [--seed N] [--home DIR] [--java-opts OPTS]"
            + " [--logpipe-env K=V,...] [--peer kcat|none] [--write-docs docs/benchmarks.md]")) {
      return;
    }
    new NozzleIngestBench(opts).run();
  }

  record Result(
      String what,
      long records,
      double seconds,
      double cpuSeconds,
      double fakeCpuSeconds,
      long maxHeapBytes,
      long rssBytes,
      double drops,
      double payloadBytes) {
    double rate() {
      return records / seconds;
    }

    double perCpuSecond() {
      return records / cpuSeconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: %,.0f records/s, %.1f CPU-s (%.0f%% of one core), %,.0f records per CPU-s, max heap"
              + " %d MiB, RSS %d MiB, %,.0f dropped",
          what,
          rate(),
          cpuSeconds,
          100 * cpuSeconds / seconds,
          perCpuSecond(),
          maxHeapBytes >> 20,
          rssBytes >> 20,
          drops);
    }
  }

  private void run() throws Exception {
    String run = Long.toString(System.currentTimeMillis(), 36);
    List<LogRecord> lines = appLines();
    double payload =
        lines.stream()
            .mapToInt(r -> r.message().getBytes(StandardCharsets.UTF_8).length)
            .average()
            .orElse(0);
    BenchSupport.log("%,d app lines, %.0f bytes of payload on average", lines.size(), payload);
    List<Result> results = new ArrayList<>();
    List<Result> peers = new ArrayList<>();
    for (String api : opts.get("api").split(",")) {
      Result r = runNozzle(api.trim(), lines, payload, run);
      results.add(r);
      if (!"none".equals(opts.get("peer"))) {
        peers.add(kcat(api.trim(), run, r.records()));
      }
    }
    String report = report(results, peers, lines.size(), payload);
    System.out.println();
    System.out.println(report);
    String docs = opts.get("write-docs");
    if (docs != null) {
      BenchmarkDocs.replaceSection(Path.of(docs), "nozzle", report);
    }
  }

  /** The load generator's app lines (component lines are not in the firehose). */
  private List<LogRecord> appLines() {
    return appLines(Long.parseLong(opts.get("seed")), Integer.parseInt(opts.get("envelopes")));
  }

  /** {@code n} app lines of the load generator. */
  public static List<LogRecord> appLines(long seed, int n) {
    LoadGenerator gen = new LoadGenerator(seed);
    List<LogRecord> out = new ArrayList<>(n);
    while (out.size() < n) {
      LogRecord r = gen.next();
      if (r.kind() == Kind.APP) {
        out.add(r);
      }
    }
    return out;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** The tags Cloud Foundry puts on an app's log envelope (as its drains show them). */
  private static Map<String, String> cfTags(LogRecord r, int i) {
    Map<String, String> t = new HashMap<>();
    t.put("source_type", r.sourceType());
    t.put("app_id", r.appId());
    t.put("app_name", r.appName());
    t.put("space_id", r.spaceId());
    t.put("space_name", r.spaceName());
    t.put("organization_id", r.orgId());
    t.put("organization_name", r.orgName());
    t.put("instance_id", r.instance());
    t.put("source_id", r.appId());
    t.put("process_id", r.appId());
    t.put("process_type", "web");
    t.put(
        "process_instance_id",
        String.format(Locale.ROOT, "6c0e1e8d-2b1c-4f1a-6e3d-%012x", i % 4096));
    return t;
  }

  /** v2: SSE events of {@code batch} envelopes each, as the gateway writes them. */
  public static List<byte[]> v2Events(List<LogRecord> lines, int batch) {
    List<byte[]> events = new ArrayList<>();
    LoggregatorEnvelope.EnvelopeBatch.Builder b = LoggregatorEnvelope.EnvelopeBatch.newBuilder();
    for (int i = 0; i < lines.size(); i++) {
      LogRecord r = lines.get(i);
      b.addBatch(
          LoggregatorEnvelope.Envelope.newBuilder()
              .setTimestamp(nanos(r.time()))
              .setSourceId(r.appId())
              .setInstanceId(r.instance())
              .putAllTags(cfTags(r, i))
              .putTags("origin", "rep")
              .putTags("deployment", "cf")
              .putTags("job", "diego-cell")
              .putTags("index", "d2a3" + (i % 40))
              .putTags("ip", "10.0.16." + (i % 250))
              .setLog(
                  LoggregatorEnvelope.Log.newBuilder()
                      .setPayload(ByteString.copyFromUtf8(r.message()))
                      .setType(
                          r.stream() == Stream.ERR
                              ? LoggregatorEnvelope.Log.Type.ERR
                              : LoggregatorEnvelope.Log.Type.OUT)));
      if (b.getBatchCount() == batch) {
        events.add(FakeRlpGateway.event(b.build()));
        b.clear();
      }
    }
    if (b.getBatchCount() > 0) {
      events.add(FakeRlpGateway.event(b.build()));
    }
    return events;
  }

  /** v1: one protobuf envelope per message. */
  public static List<byte[]> v1Messages(List<LogRecord> lines) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      LogRecord r = lines.get(i);
      Map<String, String> tags = cfTags(r, i);
      tags.remove("source_type");
      out.add(
          EventFactory.Envelope.newBuilder()
              .setOrigin("rep")
              .setEventType(EventFactory.Envelope.EventType.LogMessage)
              .setTimestamp(nanos(r.time()))
              .setDeployment("cf")
              .setJob("diego-cell")
              .setIndex("d2a3" + (i % 40))
              .setIp("10.0.16." + (i % 250))
              .putAllTags(tags)
              .setLogMessage(
                  LogFactory.LogMessage.newBuilder()
                      .setMessage(ByteString.copyFromUtf8(r.message()))
                      .setMessageType(
                          r.stream() == Stream.ERR
                              ? LogFactory.LogMessage.MessageType.ERR
                              : LogFactory.LogMessage.MessageType.OUT)
                      .setTimestamp(nanos(r.time()))
                      .setAppId(r.appId())
                      .setSourceType(r.sourceType())
                      .setSourceInstance(r.instance()))
              .build()
              .toByteArray());
    }
    return out;
  }

  private interface Fake extends AutoCloseable {
    URI url();

    int subscribers();

    void pump(List<byte[]> messages);

    void stop();

    @Override
    void close();
  }

  private Result runNozzle(String api, List<LogRecord> lines, double payload, String run)
      throws Exception {
    int batch = api.equals("v2") ? Integer.parseInt(opts.get("batch")) : 1;
    List<byte[]> messages = api.equals("v2") ? v2Events(lines, batch) : v1Messages(lines);
    long bytes = messages.stream().mapToLong(m -> m.length).sum();
    BenchSupport.log(
        "%s: %,d messages of %,d envelopes each, %.0f bytes per envelope on the wire",
        api, messages.size(), batch, bytes / (double) lines.size());
    String kafka = opts.get("kafka");
    Path home = Path.of(opts.get("home")).toAbsolutePath().normalize();
    String prefix = "bench.nozzle." + api + "." + run;
    try (FakeUaa uaa = new FakeUaa(Clock.systemUTC());
        Fake fake = fake(api, uaa)) {
      int httpPort = BenchSupport.freePort();
      Map<String, String> env = new HashMap<>();
      env.put("LOGPIPE_KAFKA_BOOTSTRAP_SERVERS", kafka);
      env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + httpPort);
      env.put("LOGPIPE_KAFKA_TOPICS_REPLICATION_FACTOR", "1");
      env.put("LOGPIPE_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "1");
      env.put("LOGPIPE_KAFKA_TOPICS_APP_NAME", prefix + ".app");
      env.put("LOGPIPE_KAFKA_TOPICS_COMPONENT_NAME", prefix + ".component");
      env.put("LOGPIPE_KAFKA_TOPICS_DLQ_NAME", prefix + ".dlq");
      env.put("LOGPIPE_NOZZLE_API", api);
      env.put("LOGPIPE_NOZZLE_URL", fake.url().toString());
      env.put("LOGPIPE_NOZZLE_UAA_URL", uaa.url().toString());
      env.put("LOGPIPE_NOZZLE_UAA_CLIENT_ID", FakeUaa.CLIENT);
      env.put("LOGPIPE_NOZZLE_UAA_CLIENT_SECRET", FakeUaa.SECRET);
      env.put("LOGPIPE_JAVA_OPTS", opts.get("java-opts"));
      env.put("LOGPIPE_LOG_LEVEL", "warn");
      BenchSupport.logpipeEnv(opts, env);
      Path log = Files.createTempFile("logpipe-bench-nozzle-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(home.resolve("bin/logpipe").toString(), "run", "--roles", "nozzle")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().putAll(env);
      Process logpipe = pb.start();
      List<String> topics = List.of(prefix + ".app");
      try {
        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + httpPort);
        BenchSupport.awaitHealthy(client, base, logpipe);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fake.subscribers() == 0) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the nozzle did not connect; see " + log);
          }
          Thread.sleep(50);
        }
        // Warm-up, not measured.
        fake.pump(messages);
        Thread.sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(opts.get("warmup"))));
        fake.stop();
        SyslogIngestBench.awaitQuiet(kafka, topics);
        double drops0 = drops(BenchSupport.get(client, base.resolve("/metrics")));

        long before = BenchSupport.endOffsets(kafka, topics);
        long cpu0 = BenchSupport.cpuTicks(logpipe.pid());
        long fake0 = BenchSupport.cpuTicks(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        fake.pump(messages);
        AtomicLong maxHeap = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler =
            new Thread(
                () -> {
                  while (sampling.get()) {
                    try {
                      long h =
                          BenchSupport.heapUsed(BenchSupport.get(client, base.resolve("/metrics")));
                      maxHeap.accumulateAndGet(h, Math::max);
                      Thread.sleep(500);
                    } catch (InterruptedException e) {
                      return;
                    } catch (Exception e) {
                      // keep sampling
                    }
                  }
                });
        sampler.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(opts.get("duration"))));
        fake.stop();
        long fake1 = BenchSupport.cpuTicks(ProcessHandle.current().pid());
        long[] last = SyslogIngestBench.awaitQuiet(kafka, topics);
        sampling.set(false);
        sampler.join();
        long cpu1 = BenchSupport.cpuTicks(logpipe.pid());
        String metrics = BenchSupport.get(client, base.resolve("/metrics"));
        double ticks = BenchSupport.clockTicks();
        Result r =
            new Result(
                api.equals("v2")
                    ? "logpipe nozzle, v2 RLP gateway (SSE, JSON, "
                        + batch
                        + " envelopes per event)"
                    : "logpipe nozzle, v1 firehose (WebSocket, protobuf)",
                last[0] - before,
                (last[1] - t0) / 1e9,
                (cpu1 - cpu0) / ticks,
                (fake1 - fake0) / ticks,
                maxHeap.get(),
                BenchSupport.rss(logpipe.pid()),
                drops(metrics) - drops0,
                payload);
        BenchSupport.log("%s", r);
        return r;
      } finally {
        logpipe.destroy();
        logpipe.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  private static double drops(String metrics) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("logpipe_nozzle_drops_total{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private Fake fake(String api, FakeUaa uaa) throws Exception {
    if (api.equals("v2")) {
      FakeRlpGateway g = new FakeRlpGateway(uaa, Clock.systemUTC());
      return new Fake() {
        public URI url() {
          return g.url();
        }

        public int subscribers() {
          return g.subscribers();
        }

        public void pump(List<byte[]> m) {
          g.pump(m, Long.MAX_VALUE);
        }

        public void stop() {
          g.stopPumps();
        }

        public void close() {
          g.close();
        }
      };
    }
    FakeTrafficController tc = new FakeTrafficController(uaa);
    return new Fake() {
      public URI url() {
        return tc.url();
      }

      public int subscribers() {
        return tc.subscribers();
      }

      public void pump(List<byte[]> m) {
        tc.pump(m, Long.MAX_VALUE);
      }

      public void stop() {
        tc.stopPumps();
      }

      public void close() {
        tc.close();
      }
    };
  }

  /** kcat -P producing the records the nozzle produced (the first N), same settings and broker. */
  private Result kcat(String api, String run, long available) throws Exception {
    String kafka = opts.get("kafka");
    String source = "bench.nozzle." + api + "." + run + ".app";
    long n = Math.min(available, 3_000_000);
    Path file = Files.createTempFile("logpipe-bench-nozzle-records-", ".txt");
    file.toFile().deleteOnExit();
    Process dump =
        new ProcessBuilder(
                "sh",
                "-c",
                "kcat -C -b "
                    + kafka
                    + " -t "
                    + source
                    + " -e -q -c "
                    + n
                    + " -f '%k\\t%s\\n' > '"
                    + file
                    + "'")
            .redirectErrorStream(true)
            .start();
    if (dump.waitFor() != 0) {
      throw new IllegalStateException("kcat -C failed");
    }
    String peerTopic = "bench.kcat.nozzle." + api + "." + run;
    BenchSupport.createTopic(kafka, peerTopic, 6);
    long before = BenchSupport.endOffsets(kafka, List.of(peerTopic));
    long k0 = System.nanoTime();
    Process kcat =
        new ProcessBuilder(
                "sh",
                "-c",
                "kcat -P -b "
                    + kafka
                    + " -t "
                    + peerTopic
                    + " -K '\\t' -z lz4 -X acks=all -X enable.idempotence=true -X linger.ms=5"
                    + " -X batch.size=262144 -X queue.buffering.max.messages=1000000 -l '"
                    + file
                    + "' && times")
            .redirectErrorStream(true)
            .start();
    String out = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kcat.waitFor() != 0) {
      throw new IllegalStateException("kcat failed: " + out);
    }
    long k1 = System.nanoTime();
    long count = BenchSupport.endOffsets(kafka, List.of(peerTopic)) - before;
    Result r =
        new Result(
            "kcat -P, the same records (" + api + ")",
            count,
            (k1 - k0) / 1e9,
            BenchSupport.childCpuSeconds(out),
            0,
            -1,
            -1,
            0,
            0);
    BenchSupport.log("%s", r);
    Files.deleteIfExists(file);
    return r;
  }

  private String report(List<Result> results, List<Result> peers, int envelopes, double payload)
      throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("Run ")
        .append(Instant.now().toString(), 0, 16)
        .append("Z on ")
        .append(Machine.describe())
        .append(". Load before the run: `")
        .append(uptime())
        .append("`.\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Load: %,d load-generator app lines (seed %s, %.0f bytes of payload on average) as log"
                + " envelopes with the tags Cloud Foundry sets (app, space, org names and ids,"
                + " process, origin, deployment, job, index, ip), cycled for %s s after a %s s"
                + " warm-up. The fake gateway and traffic controller run in the benchmark JVM and"
                + " write prepared messages as fast as the nozzle reads. logpipe: `bin/logpipe run"
                + " --roles nozzle` as its own process (%s), acks=all, lz4, linger 5 ms; every envelope"
                + " decoded, mapped to a canonical app record (names from the tags) and produced."
                + " Kafka 4.3.1, single node on %s (its own process). Records counted in Kafka (end"
                + " offsets) from the start of the stream to the last offset change; CPU is each"
                + " process's own; heap is the most `jvm_memory_used_bytes{area=\"heap\"}` seen.\n\n",
            envelopes,
            opts.get("seed"),
            payload,
            opts.get("duration"),
            opts.get("warmup"),
            opts.get("java-opts"),
            opts.get("kafka")));
    b.append(
        "| path | records/s | CPU (share of one core) | records per CPU-second | max heap | RSS |"
            + " dropped | fake server CPU |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.0f%% | %,.0f | %d MiB | %d MiB | %,.0f | %.0f%% |\n",
              r.what(),
              r.rate(),
              100 * r.cpuSeconds() / r.seconds(),
              r.perCpuSecond(),
              r.maxHeapBytes() >> 20,
              r.rssBytes() >> 20,
              r.drops(),
              100 * r.fakeCpuSeconds() / r.seconds()));
    }
    for (Result p : peers) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.0f%% | %,.0f | - | - | - | - |\n",
              p.what(),
              p.rate(),
              100 * p.cpuSeconds() / p.seconds(),
              p.perCpuSecond()));
    }
    if (peers.size() == results.size()) {
      b.append('\n');
      for (int i = 0; i < results.size(); i++) {
        b.append(
            String.format(
                Locale.ROOT,
                "Ratio %s / kcat: %.2fx the throughput, %.2fx the records per CPU-second.\n",
                results.get(i).what(),
                results.get(i).rate() / peers.get(i).rate(),
                results.get(i).perCpuSecond() / peers.get(i).perCpuSecond()));
      }
    }
    return b.toString();
  }

  private static String uptime() {
    try {
      Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return s.substring(s.indexOf("load average"));
    } catch (Exception e) {
      return "unknown";
    }
  }
}
