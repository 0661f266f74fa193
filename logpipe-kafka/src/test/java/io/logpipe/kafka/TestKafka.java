package io.logpipe.kafka;

import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Test fixtures around a real embedded broker on free loopback ports. */
public final class TestKafka {
  private TestKafka() {}

  /** Starts a broker in {@code dir} on free ports. */
  public static EmbeddedKafka start(Path dir) {
    return EmbeddedKafka.start(
        dir, new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), Map.of());
  }

  /** Restarts a broker on the same directory and ports. */
  public static EmbeddedKafka restart(EmbeddedKafka old) {
    old.close();
    return EmbeddedKafka.start(old.dataDir(), old.listen(), old.controller(), Map.of());
  }

  /** Settings from YAML text (defaults for everything else). */
  public static KafkaSettings settings(String yaml) {
    ConfigNode root = ConfigNode.root(ConfigFiles.parse(yaml, "test"), Map.of(), "test");
    KafkaSettings s = KafkaSettings.from(root.section("kafka"));
    root.finish();
    return s;
  }

  /** Reads every record now in a topic, from the beginning, without a consumer group. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      KafkaSettings s, String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(KafkaClients.consumer(s, bootstrap, "test-reader", null))) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end in 30 s");
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }
}
