package io.logpipe.archive;

import static io.logpipe.archive.ArchiveTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.archive.store.FilesystemObjectStore;
import io.logpipe.archive.store.ObjectStore;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 at every point of a unit's upload: an archiver child process halts there (no shutdown
 * hook, nothing flushed), a new one starts on the same store and group, and the archive must then
 * hold every record produced exactly once, as the verifier and a record-by-record comparison show.
 */
class ArchiveCrashIT {
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

  static final String CONFIG =
      "archive: {max_object_age: 300ms, max_object_size: 32KiB, group_id: GROUP}\n"
          // The crashed member's session must end before its partitions move on.
          + "kafka: {client_properties: {session.timeout.ms: '6000', heartbeat.interval.ms:"
          + " '1000'}}\n";

  @ParameterizedTest(name = "crash {0}")
  @ValueSource(
      strings = {
        "before-upload",
        "between-objects",
        "after-upload-before-commit",
        "after-marker-before-commit"
      })
  void aKillAtAnyPointOfAnUploadLeavesEveryRecordExactlyOnce(String point) throws Exception {
    String topic = "crash-" + point;
    createTopic(kafka.bootstrapServers(), topic, 2);
    List<byte[]> values = records(4000, point.hashCode(), 60);
    produce(kafka.bootstrapServers(), topic, 2, values);
    String yaml = CONFIG.replace("GROUP", "g-" + point);
    ObjectStore store = new FilesystemObjectStore(dir.resolve("archive"));

    try (ChildArchiver crashing =
        ChildArchiver.start(
            kafka.bootstrapServers(), dir, yaml, topic, point + ":3", dir.resolve("w"))) {
      assertThat(crashing.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(crashing.process.exitValue()).isEqualTo(137);
      assertThat(crashing.output()).contains("CRASH at " + point);
    }
    try (ChildArchiver again =
        ChildArchiver.start(kafka.bootstrapServers(), dir, yaml, topic, null, dir.resolve("w"))) {
      ArchiveVerifier v = new ArchiveVerifier(new ArchiveReader(store, ""));
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> v.verify(List.of(topic), false).records() >= values.size());
      assertThat(again.stop()).isZero();
    }
    ArchiveVerifier.Report report =
        new ArchiveVerifier(new ArchiveReader(store, "")).verify(List.of(topic), true);
    assertThat(report.problems()).isEmpty();
    assertThat(report.records()).isEqualTo(values.size());
    assertThat(comparable(archivedLines(store, "", topic)))
        .containsExactlyInAnyOrderElementsOf(expectedLines(values));
  }
}
