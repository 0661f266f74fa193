package io.logpipe.archive;

import static io.logpipe.archive.ArchiveTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logpipe.archive.store.FilesystemObjectStore;
import io.logpipe.archive.store.ObjectStore;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zombie archiver: paused (SIGSTOP) with records buffered while the group gives its partitions to
 * another instance, then resumed. It must neither replace the newer instance's objects and markers
 * nor move the group's committed offsets back.
 */
class ArchiveZombieIT {
  @TempDir static Path kafkaDir;
  static EmbeddedKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = TestKafka.start(kafkaDir);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  static final String SESSION =
      "kafka: {client_properties: {session.timeout.ms: '6000', heartbeat.interval.ms: '1000'}}\n";

  @Test
  void aPausedArchiverResumedAfterARebalanceNeitherOverwritesNorCommitsStaleOffsets()
      throws Exception {
    String topic = "zombie";
    createTopic(kafka.bootstrapServers(), topic, 2);
    List<byte[]> a = records(2000, 21, 60);
    produce(kafka.bootstrapServers(), topic, 2, a);
    Path xData = dir.resolve("x");
    Path yData = dir.resolve("y");
    Path archive = dir.resolve("archive");
    String common = "  directory: " + archive + "\n  group_id: g-zombie\n";
    String xYaml = "archive:\n  max_object_age: 2s\n" + common + SESSION;
    String yYaml =
        "archive:\n  max_object_age: 300ms\n  max_object_size: 32KiB\n" + common + SESSION;
    ObjectStore store = new FilesystemObjectStore(archive);
    ArchiveVerifier verifier = new ArchiveVerifier(new ArchiveReader(store, ""));

    try (ChildArchiver x =
        ChildArchiver.start(
            kafka.bootstrapServers(), xData, xYaml, topic, null, dir.resolve("w"))) {
      // X has consumed records and holds them in an open unit: stop it right there.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> stagedParts(xData.resolve("archive-staging")) > 0);
      x.signal("STOP");
      assertThat(verifier.verify(List.of(topic), false).records()).isLessThan(a.size());

      try (ChildArchiver y =
          ChildArchiver.start(
              kafka.bootstrapServers(), yData, yYaml, topic, null, dir.resolve("w"))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> verifier.verify(List.of(topic), false).records() >= a.size());
        Map<TopicPartition, Long> committedBefore = committed("g-zombie");
        ArchiveVerifier.Report before = verifier.verify(List.of(topic), true);
        assertThat(before.problems()).isEmpty();

        x.signal("CONT");
        // The zombie wakes up with an expired unit: it either learns that it lost its partitions
        // or finds the newer instance's marker in place; it writes no marker of its own.
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    x.output().contains("already has a marker")
                        || x.output().contains("to another member"));
        List<byte[]> b = records(1000, 22, 60);
        produce(kafka.bootstrapServers(), topic, 2, b);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> verifier.verify(List.of(topic), false).records() >= a.size() + b.size());
        Map<TopicPartition, Long> committedAfter = committed("g-zombie");
        for (var e : committedBefore.entrySet()) {
          assertThat(committedAfter.get(e.getKey())).isGreaterThanOrEqualTo(e.getValue());
        }
        assertThat(x.stop()).isZero();
        assertThat(y.stop()).isZero();

        ArchiveVerifier.Report report = verifier.verify(List.of(topic), true);
        assertThat(report.problems()).isEmpty();
        List<byte[]> all = new ArrayList<>(a);
        all.addAll(b);
        assertThat(comparable(archivedLines(store, "", topic)))
            .containsExactlyInAnyOrderElementsOf(expectedLines(all));
        // Committed offsets end where the marker chains end.
        ArchiveReader reader = new ArchiveReader(store, "");
        Map<TopicPartition, Long> finalCommitted = committed("g-zombie");
        for (ArchiveReader.Partition p : reader.partitions(List.of(topic))) {
          assertThat(finalCommitted.get(new TopicPartition(topic, p.partition())))
              .isEqualTo(reader.chain(p).end());
        }
      }
    }
  }

  @Test
  void kafkaRefusesTheOffsetCommitOfAMemberThatLostItsPartitions() throws Exception {
    String topic = "fenced";
    createTopic(kafka.bootstrapServers(), topic, 1);
    produce(kafka.bootstrapServers(), topic, 1, records(10, 23, 10));
    Map<String, Object> p1 =
        KafkaClients.consumer(KAFKA, kafka.bootstrapServers(), "zombie", "g-fenced");
    p1.put("max.poll.interval.ms", 2000);
    p1.put("auto.offset.reset", "earliest");
    Map<String, Object> p2 = new HashMap<>(p1);
    p2.put("client.id", "owner");
    p2.put("max.poll.interval.ms", 60000);
    try (KafkaConsumer<byte[], byte[]> zombie = new KafkaConsumer<>(p1);
        KafkaConsumer<byte[], byte[]> owner = new KafkaConsumer<>(p2)) {
      zombie.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !zombie.poll(Duration.ofMillis(100)).isEmpty());
      // The zombie stops polling; the group moves the partition to the owner.
      owner.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                owner.poll(Duration.ofMillis(100));
                return !owner.assignment().isEmpty();
              });
      assertThatThrownBy(
              () ->
                  zombie.commitSync(
                      Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(5)),
                      Duration.ofSeconds(10)))
          .isInstanceOf(CommitFailedException.class);
    }
  }

  private static long stagedParts(Path staging) throws Exception {
    if (!Files.isDirectory(staging)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(staging)) {
      return s.filter(p -> p.toString().endsWith(".part")).count();
    }
  }

  private static Map<TopicPartition, Long> committed(String group) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(KAFKA, kafka.bootstrapServers(), "t"))) {
      Map<TopicPartition, Long> out = new HashMap<>();
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, om) -> out.put(tp, om.offset()));
      return out;
    }
  }
}
