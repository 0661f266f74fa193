package io.logpipe.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark: syslog over TCP into Kafka, logpipe against rsyslog (imtcp -> omkafka) on the same
 * lines, the same broker and the same machine, run by the workspace's {@code
 * peer-rsyslog-omkafka.sh}.
 *
 * <p>Both get the load generator's RFC 5424 lines (about 300 bytes, timestamps near now) over
 * several TCP connections as fast as they take them, for a fixed time; messages are counted in
 * Kafka (end offsets) from the start of sending to the last offset change, and each receiver's own
 * process CPU is measured. logpipe runs as {@code bin/logpipe run --roles ingest-syslog} with
 * {@code acks=all}; the peer runs with {@code acks=all} too, so that both pay for the same
 * durability.
 *
 * <pre>
 * bench/syslog-ingest.sh --duration 20 --connections 4
 * </pre>
 */
public final class SyslogIngestBench {
  private final Map<String, String> opts;

  private SyslogIngestBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    opts.put("kafka", "127.0.0.1:19092");
    opts.put("duration", "20");
    opts.put("warmup", "30");
    opts.put("connections", "4");
    opts.put("lines", "400000");
    opts.put("line-bytes", "300");
    opts.put("seed", "42");
    opts.put("home", ".");
    opts.put("peer", "../shared/bench/peer-rsyslog-omkafka.sh");
    opts.put("java-opts", "-Xms512m -Xmx512m");
    opts.put("acks", "all");
    if (!BenchSupport.options(
        args,
        opts,
        "usage: SyslogIngestBench [--kafka HOST:PORT] [--duration S] [--warmup S] [--connections N]"
            + " [--lines N]"
            + " [--line-bytes B] [--seed N] [--home DIR] [--peer SCRIPT|none] [--java-opts OPTS]"
            + " [--logpipe-env K=V,...] [--write-docs docs/benchmarks.md]")) {
      return;
    }
    new SyslogIngestBench(opts).run();
  }

  record Result(
      String what,
      long messages,
      double seconds,
      double cpuSeconds,
      long heapBytes,
      long rssBytes,
      double lineBytes) {
    double rate() {
      return messages / seconds;
    }

    double perCpuSecond() {
      return messages / cpuSeconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: %,.0f msgs/s, %.1f MB/s, %.1f CPU-s (%.0f%% of one core), %,.0f msgs per CPU-s",
          what,
          rate(),
          rate() * lineBytes / 1e6,
          cpuSeconds,
          100 * cpuSeconds / seconds,
          perCpuSecond());
    }
  }

  private void run() throws Exception {
    String kafka = opts.get("kafka");
    int duration = Integer.parseInt(opts.get("duration"));
    int connections = Integer.parseInt(opts.get("connections"));
    Path home = Path.of(opts.get("home")).toAbsolutePath().normalize();
    String run = Long.toString(System.currentTimeMillis(), 36);

    // 1. The lines, once, for both receivers.
    LoadGenerator gen = new LoadGenerator(Long.parseLong(opts.get("seed")));
    int lineBytes = Integer.parseInt(opts.get("line-bytes"));
    Path file = Files.createTempFile("logpipe-bench-syslog-", ".txt");
    file.toFile().deleteOnExit();
    long total = 0;
    int count = Integer.parseInt(opts.get("lines"));
    Instant now = Instant.now();
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (int i = 0; i < count; i++) {
        String line = gen.nextSyslog5424Line(now, lineBytes);
        w.write(line);
        w.write('\n');
        total += line.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    double avgLine = total / (double) count;
    byte[] data = Files.readAllBytes(file);
    BenchSupport.log("%,d lines, %.0f bytes per line on average, in %s", count, avgLine, file);

    // 2. logpipe.
    String prefix = "bench.syslog." + run;
    int port = BenchSupport.freePort();
    int httpPort = BenchSupport.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("LOGPIPE_KAFKA_BOOTSTRAP_SERVERS", kafka);
    env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + httpPort);
    env.put("LOGPIPE_SYSLOG_TCP_LISTEN", "127.0.0.1:" + port);
    env.put("LOGPIPE_SYSLOG_UDP_ENABLED", "false");
    env.put("LOGPIPE_KAFKA_TOPICS_REPLICATION_FACTOR", "1");
    env.put("LOGPIPE_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "1");
    env.put("LOGPIPE_KAFKA_TOPICS_APP_NAME", prefix + ".app");
    env.put("LOGPIPE_KAFKA_TOPICS_COMPONENT_NAME", prefix + ".component");
    env.put("LOGPIPE_KAFKA_TOPICS_DLQ_NAME", prefix + ".dlq");
    env.put("LOGPIPE_JAVA_OPTS", opts.get("java-opts"));
    env.put("LOGPIPE_LOG_LEVEL", "warn");
    BenchSupport.logpipeEnv(opts, env);
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("bin/logpipe").toString(), "run", "--roles", "ingest-syslog")
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    Files.createTempFile("logpipe-bench-", ".log").toFile()));
    pb.environment().putAll(env);
    Process logpipe = pb.start();
    Result ours;
    List<String> topics = List.of(prefix + ".app", prefix + ".component");
    try {
      HttpClient client = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + httpPort);
      BenchSupport.awaitHealthy(client, base, logpipe);
      // Warm-up, not measured: long enough for the JIT to finish; with 5 s, C2 still took 14% of
      // the process CPU in the measured window (a cost a long-running daemon pays once).
      blast(port, data, connections, Integer.parseInt(opts.get("warmup")));
      awaitQuiet(kafka, topics);
      long before = BenchSupport.endOffsets(kafka, topics);
      long cpu0 = BenchSupport.cpuTicks(logpipe.pid());
      long t0 = System.nanoTime();
      blast(port, data, connections, duration);
      long[] last = awaitQuiet(kafka, topics);
      long cpu1 = BenchSupport.cpuTicks(logpipe.pid());
      long messages = last[0] - before;
      double seconds = (last[1] - t0) / 1e9;
      String metrics = BenchSupport.get(client, base.resolve("/metrics"));
      ours =
          new Result(
              "logpipe (TCP, " + connections + " connections)",
              messages,
              seconds,
              (cpu1 - cpu0) / (double) BenchSupport.clockTicks(),
              BenchSupport.heapUsed(metrics),
              BenchSupport.rss(logpipe.pid()),
              avgLine);
      BenchSupport.log(
          "%s, heap %d MiB, RSS %d MiB", ours, ours.heapBytes() >> 20, ours.rssBytes() >> 20);
    } finally {
      logpipe.destroy();
      logpipe.waitFor(60, TimeUnit.SECONDS);
    }

    // 3. The peer, same lines, same broker.
    Result peer = null;
    String peerScript = opts.get("peer");
    if (!"none".equals(peerScript)) {
      String peerTopic = "bench.rsyslog." + run;
      BenchSupport.createTopic(kafka, peerTopic, 6);
      Process p =
          new ProcessBuilder(
                  "bash",
                  Path.of(peerScript).toAbsolutePath().toString(),
                  "--bootstrap",
                  kafka,
                  "--topic",
                  peerTopic,
                  "--duration",
                  Integer.toString(duration),
                  "--connections",
                  Integer.toString(connections),
                  "--acks",
                  opts.get("acks"),
                  "--file",
                  file.toString(),
                  "--port",
                  Integer.toString(BenchSupport.freePort()))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("peer failed:\n" + out);
      }
      Matcher m =
          Pattern.compile("rsyslog-omkafka: (\\d+) msgs/s [\\d.]+ MB/s over (\\d+) messages")
              .matcher(out);
      Matcher cpu = Pattern.compile("rsyslogd CPU ([\\d.]+) s over ([\\d.]+) s").matcher(out);
      if (!m.find() || !cpu.find()) {
        throw new IllegalStateException("cannot read the peer's result:\n" + out);
      }
      long n = Long.parseLong(m.group(2));
      double seconds = Double.parseDouble(cpu.group(2));
      peer =
          new Result(
              "rsyslog imtcp -> omkafka ("
                  + connections
                  + " loggen connections, acks="
                  + opts.get("acks")
                  + ")",
              n,
              seconds,
              Double.parseDouble(cpu.group(1)),
              -1,
              -1,
              avgLine);
      BenchSupport.log("%s", peer);
    }

    String report = report(ours, peer, count, avgLine, connections, duration, kafka);
    System.out.println(report);
    String docs = opts.get("write-docs");
    if (docs != null) {
      BenchmarkDocs.replaceSection(Path.of(docs), "syslog-ingest", report);
      BenchSupport.log("wrote %s", docs);
    }
  }

  /**
   * Sends the lines over {@code connections} sockets for {@code seconds}, looping over the data.
   */
  static void blast(int port, byte[] data, int connections, int seconds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int c = 0; c < connections; c++) {
      // Each connection starts at another line, on a line boundary.
      int start = lineStart(data, (int) ((long) data.length * c / connections));
      Thread t =
          new Thread(
              () -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                  s.setSendBufferSize(1 << 20);
                  OutputStream out = s.getOutputStream();
                  int pos = start;
                  while (!stop.get()) {
                    int end = lineStart(data, Math.min(data.length, pos + 64 * 1024));
                    if (end <= pos) {
                      end = data.length;
                    }
                    out.write(data, pos, end - pos);
                    pos = end >= data.length ? 0 : end;
                  }
                } catch (IOException e) {
                  errors.add(e);
                }
              });
      t.start();
      threads.add(t);
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("sending failed", errors.get(0));
    }
  }

  private static int lineStart(byte[] data, int from) {
    if (from <= 0) {
      return 0;
    }
    for (int i = from - 1; i < data.length; i++) {
      if (data[i] == '\n') {
        return i + 1;
      }
    }
    return data.length;
  }

  /**
   * Waits until the topics' end offsets stop moving for 2 s; returns {offset sum, nanoTime of the
   * last change}.
   */
  static long[] awaitQuiet(String kafka, List<String> topics) throws Exception {
    long last = BenchSupport.endOffsets(kafka, topics);
    long lastChange = System.nanoTime();
    while (System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(2)) {
      Thread.sleep(200);
      long now = BenchSupport.endOffsets(kafka, topics);
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      }
    }
    return new long[] {last, lastChange};
  }

  private String report(
      Result ours,
      Result peer,
      int lines,
      double avgLine,
      int connections,
      int duration,
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
            "Load: %,d load-generator RFC 5424 lines (seed %s, %.0f bytes on average, timestamps near"
                + " now), sent over %d TCP connections for %d s (after a %d s warm-up), LF-framed, as fast as"
                + " the receiver reads. Kafka 4.3.1, single node on %s (its own process), lz4."
                + " logpipe: `bin/logpipe run --roles ingest-syslog` (%s), acks=all, every line"
                + " parsed into a canonical JSON record. rsyslog 8.2302: imtcp -> omkafka with the"
                + " raw line (`RSYSLOG_SyslogProtocol23Format`), driven by syslog-ng's loggen replaying the"
                + " same file. Messages counted in Kafka (end offsets), from the start of sending to the"
                + " last offset change; CPU is the receiver process's own.\n\n",
            lines,
            opts.get("seed"),
            avgLine,
            connections,
            duration,
            Integer.parseInt(opts.get("warmup")),
            kafka,
            opts.get("java-opts")));
    b.append(
        "| receiver | msgs/s | MB/s | CPU (share of one core) | msgs per CPU-second | heap used | RSS |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|\n");
    List<Result> all = new ArrayList<>(List.of(ours));
    if (peer != null) {
      all.add(peer);
    }
    for (Result r : all) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.1f | %.0f%% | %,.0f | %s | %s |\n",
              r.what(),
              r.rate(),
              r.rate() * avgLine / 1e6,
              100 * r.cpuSeconds() / r.seconds(),
              r.perCpuSecond(),
              r.heapBytes() < 0 ? "-" : (r.heapBytes() >> 20) + " MiB",
              r.rssBytes() < 0 ? "-" : (r.rssBytes() >> 20) + " MiB"));
    }
    if (peer != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "\nRatio logpipe / rsyslog+omkafka: %.2fx the throughput, %.2fx the messages per"
                  + " CPU-second (target: 1.5x both).\n",
              ours.rate() / peer.rate(),
              ours.perCpuSecond() / peer.perCpuSecond()));
    }
    return b.toString();
  }
}
