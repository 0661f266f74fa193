package io.logpipe.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** What the end-to-end benchmarks share: process CPU and memory, Kafka offsets, ports, logging. */
final class BenchSupport {
  private BenchSupport() {}

  /**
   * Reads {@code --name value} arguments into {@code opts}, which holds the defaults.
   *
   * @return false after printing {@code usage} for {@code --help} or {@code -h}
   * @throws IllegalArgumentException for an argument that is not {@code --name value}
   */
  static boolean options(String[] args, Map<String, String> opts, String usage) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(usage);
        return false;
      }
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("bad argument: " + a);
      }
      opts.put(a.substring(2), args[++i]);
    }
    return true;
  }

  /** Adds the {@code --logpipe-env K=V,K=V} option's variables to {@code env}. */
  static void logpipeEnv(Map<String, String> opts, Map<String, String> env) {
    for (String kv : opts.getOrDefault("logpipe-env", "").split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
  }

  /** Deletes {@code p} and everything under it, if it exists. */
  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  static void awaitHealthy(HttpClient client, URI base, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("logpipe exited with " + p.exitValue());
      }
      try {
        if (client
                .send(
                    HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("logpipe not healthy after 120 s");
  }

  static String get(HttpClient client, URI uri) throws Exception {
    return client
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static long heapUsed(String metrics) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  static long endOffsets(String kafka, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
        d.partitions()
            .forEach(
                p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      return admin.listOffsets(request).all().get().values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    }
  }

  static void createTopic(String kafka, String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static long clockTicks() {
    return 100; // USER_HZ on Linux
  }

  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** Children's user + system seconds from the shell's {@code times} output (second line). */
  static double childCpuSeconds(String timesOutput) {
    String[] lines = timesOutput.strip().split("\n");
    String[] parts = lines[lines.length - 1].trim().split("\\s+");
    return seconds(parts[0]) + seconds(parts[1]);
  }

  static double seconds(String t) {
    int m = t.indexOf('m');
    return Double.parseDouble(t.substring(0, m)) * 60
        + Double.parseDouble(t.substring(m + 1, t.length() - 1));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  static void log(String format, Object... args) {
    System.err.println("bench: " + String.format(Locale.ROOT, format, args));
  }
}
