package io.logpipe.archive;

import io.logpipe.archive.store.ObjectStore;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.Severity;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Shared pieces of the archive tests. */
final class ArchiveTestSupport {
  private ArchiveTestSupport() {}

  /** Three hours before the current hour: inside the default out-of-range bounds. */
  static final Instant BASE =
      Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minusSeconds(3 * 3600);

  static final KafkaSettings KAFKA = io.logpipe.kafka.TestKafka.settings("");

  /** Archive settings from YAML (under {@code archive:}), resolved against {@code dataDir}. */
  static ArchiveSettings settings(String yaml, Path dataDir, String... topics) {
    ConfigNode root = ConfigNode.root(ConfigFiles.parse(yaml, "test"), Map.of(), "test");
    ArchiveSettings s = ArchiveSettings.from(root.section("archive"));
    root.finish();
    return s.resolve(dataDir, List.of(topics));
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(KAFKA, bootstrap, "test-admin"))) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      // Produce only once every partition has its leader: an idempotent producer whose first
      // batch met NOT_LEADER_OR_FOLLOWER on a brand-new partition was seen retrying its later
      // batches with OUT_OF_ORDER_SEQUENCE_NUMBER for minutes on a loaded machine.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        var d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
        if (d.get(topic).partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("partitions of " + topic + " have no leader");
        }
        Thread.sleep(20);
      }
    }
  }

  /**
   * Records whose event times interleave over three hours (so units hold several objects), some
   * absurdly far in the future, and some Kafka values that are not records at all.
   */
  static List<byte[]> records(int n, long seed, int messageBytes) {
    return records(n, seed, messageBytes, 3);
  }

  /** As above, over {@code hours} hours. */
  static List<byte[]> records(int n, long seed, int messageBytes, int hours) {
    Random rnd = new Random(seed);
    Instant base = BASE;
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (i % 997 == 500) {
        out.add(("not json " + seed + "-" + i).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      Instant t =
          i % 501 == 7
              ? Instant.parse("2099-01-01T00:00:00Z")
              : base.plusSeconds((i % hours) * 3600L + i % 3600).plusNanos(i);
      StringBuilder msg = new StringBuilder("line " + seed + "-" + i + " ");
      for (int k = 0; k < messageBytes; k++) {
        msg.append((char) ('a' + rnd.nextInt(26)));
      }
      LogRecord r =
          LogRecord.app()
              .time(t)
              .observedTime(t)
              .appId("app-" + (i % 7))
              .appName("app" + (i % 7))
              .severity(Severity.INFO)
              .message(msg.toString())
              .build();
      out.add(LogRecordJson.encode(r));
    }
    return out;
  }

  /** Produces values round-robin over the partitions, Kafka timestamp = now. */
  static void produce(String bootstrap, String topic, int partitions, List<byte[]> values)
      throws Exception {
    Map<String, Object> p = KafkaClients.producer(KAFKA, bootstrap, "test-producer");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      int i = 0;
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, i++ % partitions, null, v));
      }
      producer.flush();
    }
  }

  /** Every live record of a topic, as stored (canonical JSON lines), in archive order. */
  static List<String> archivedLines(ObjectStore store, String prefix, String topic)
      throws Exception {
    ArchiveReader reader = new ArchiveReader(store, prefix);
    List<String> out = new ArrayList<>();
    for (ArchiveReader.LiveObject o : reader.liveObjects(List.of(topic), null, null)) {
      reader.lines(
          o.entry().key(),
          (b, len) -> {
            out.add(new String(b, 0, len, StandardCharsets.UTF_8));
            return true;
          });
    }
    return out;
  }

  /** The canonical lines the archive should hold for these Kafka values. */
  static List<String> expectedLines(List<byte[]> values) {
    ArchiveLine line = new ArchiveLine(Duration.ofDays(7), Duration.ofDays(30));
    List<String> out = new ArrayList<>();
    for (byte[] v : values) {
      if (new String(v, StandardCharsets.UTF_8).startsWith("not json")) {
        out.add("INVALID:" + new String(v, StandardCharsets.UTF_8));
        continue;
      }
      line.read(v, System.currentTimeMillis());
      out.add(new String(line.bytes, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Archived lines with invalid-record wrappers reduced to their raw text, for comparison. */
  static List<String> comparable(List<String> archived) {
    List<String> out = new ArrayList<>();
    for (String s : archived) {
      if (s.contains("\"problem\":")) {
        LogRecord r = LogRecordJson.decode(s.getBytes(StandardCharsets.UTF_8));
        out.add("INVALID:" + r.problem().raw());
      } else {
        out.add(s);
      }
    }
    return out;
  }

  static Duration minutes(int m) {
    return Duration.ofMinutes(m);
  }
}
