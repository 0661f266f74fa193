package io.logpipe.archive;

import static io.logpipe.archive.ArchiveTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.archive.store.ObjectStore;
import io.logpipe.archive.store.S3ObjectStore;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 store and the archiver against a real S3 API server (s3proxy) in this JVM. */
class S3ArchiveIT {
  @TempDir static Path root;
  static EmbeddedKafka kafka;
  static S3Server s3;
  static FaultyProxy faulty;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.start(root.resolve("kafka"));
    Files.createDirectories(root.resolve("s3"));
    s3 = new S3Server(root.resolve("s3"), "archive");
    faulty = new FaultyProxy(s3.port());
  }

  @AfterAll
  static void stop() throws Exception {
    faulty.close();
    s3.close();
    kafka.close();
  }

  static String s3Yaml(int port, String extra) {
    return "archive:\n  store: s3\n  prefix: logs/v1\n"
        + extra
        + "  s3:\n    endpoint: http://127.0.0.1:"
        + port
        + "\n    bucket: archive\n    region: us-east-1\n    access_key_id: "
        + S3Server.ACCESS
        + "\n    secret_access_key: "
        + S3Server.SECRET
        + "\n    retry_base: 10ms\n    retry_max: 200ms\n    multipart_threshold: 5MiB\n"
        + "    part_size: 5MiB\n";
  }

  private S3ObjectStore store(int port) throws Exception {
    ArchiveSettings s = settings(s3Yaml(port, ""), dir, "t");
    return (S3ObjectStore) ArchiveStores.open(s);
  }

  @Test
  void createOnlyWritesNeverReplaceAnExistingMarker() throws Exception {
    try (S3ObjectStore store = store(s3.port())) {
      String key = "logs/v1/_manifest/t/c/i/p=0/" + System.nanoTime() + ".json";
      assertThat(store.putIfAbsent(key, "first".getBytes())).isTrue();
      assertThat(store.putIfAbsent(key, "second".getBytes())).isFalse();
      assertThat(new String(store.getBytes(key))).isEqualTo("first");
    }
  }

  @Test
  void slowDownAndServerErrorsAreRetriedWithBackoff() throws Exception {
    try (S3ObjectStore store = store(faulty.port())) {
      long before = store.retries();
      faulty.fail(503, 503, 503, 500, 500);
      Path f = Files.writeString(dir.resolve("obj"), "hello");
      store.put("logs/v1/t/x.ndjson.zst", f);
      assertThat(new String(store.getBytes("logs/v1/t/x.ndjson.zst"))).isEqualTo("hello");
      assertThat(store.list("logs/v1/t/", null))
          .extracting(ObjectStore.StoredObject::key)
          .contains("logs/v1/t/x.ndjson.zst");
      assertThat(store.retries() - before).isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void largeObjectsGoUpInPartsAndComeBackWhole() throws Exception {
    try (S3ObjectStore store = store(s3.port())) {
      byte[] data = new byte[12 * 1024 * 1024 + 17];
      new Random(1).nextBytes(data);
      Path f = Files.write(dir.resolve("big"), data);
      List<Integer> parts = new ArrayList<>();
      store.onPartUploaded(parts::add);
      store.put("logs/v1/t/big.ndjson.zst", f);
      assertThat(parts).containsExactly(1, 2, 3);
      assertThat(store.getBytes("logs/v1/t/big.ndjson.zst")).isEqualTo(data);
    }
  }

  @Test
  void archivesExactlyOnceThroughAFlakyS3() throws Exception {
    String topic = "s3-flaky";
    createTopic(kafka.bootstrapServers(), topic, 2);
    List<byte[]> values = records(3000, 11, 80);
    produce(kafka.bootstrapServers(), topic, 2, values);
    ArchiveSettings s =
        settings(
            s3Yaml(
                faulty.port(),
                "  max_object_age: 300ms\n  max_object_size: 32KiB\n  group_id: g-s3\n"),
            dir,
            topic);
    faulty.failEvery(3);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ObjectStore store = ArchiveStores.open(s)) {
      Archiver a =
          new Archiver(
                  s,
                  KAFKA,
                  kafka.bootstrapServers(),
                  store,
                  registry,
                  Clock.systemUTC(),
                  Archiver.Faults.NONE)
              .start();
      ArchiveVerifier v = new ArchiveVerifier(new ArchiveReader(store, "logs/v1"));
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> v.verify(List.of(topic), false).records() >= values.size());
      // Every failure was retried, and the metrics say so.
      assertThat(registry.get("logpipe_archive_store_retries_total").functionCounter().count())
          .isPositive();
      assertThat(registry.find("logpipe_archive_upload_seconds").timers())
          .hasSize(2)
          .allMatch(t -> t.count() > 0);
      assertThat(
              registry.find("logpipe_archive_records_total").counters().stream()
                  .mapToDouble(c -> c.count())
                  .sum())
          .isEqualTo(values.size());
      a.close(Duration.ofSeconds(10));
      faulty.failEvery(0);
      ArchiveVerifier.Report report = v.verify(List.of(topic), true);
      assertThat(report.problems()).isEmpty();
      assertThat(comparable(archivedLines(store, "logs/v1", topic)))
          .containsExactlyInAnyOrderElementsOf(expectedLines(values));
    } finally {
      faulty.failEvery(0);
    }
  }

  @Test
  void aKillInTheMiddleOfAMultipartUploadLeavesEveryRecordExactlyOnce() throws Exception {
    String topic = "s3-multipart";
    createTopic(kafka.bootstrapServers(), topic, 1);
    // Random text compresses little, so one unit's object exceeds the 5 MiB multipart threshold.
    List<byte[]> values = records(12000, 12, 1000, 1);
    produce(kafka.bootstrapServers(), topic, 1, values);
    String yaml =
        s3Yaml(s3.port(), "  max_object_age: 10s\n  max_object_size: 16MiB\n  group_id: g-mp\n")
            + "kafka: {client_properties: {session.timeout.ms: '6000', heartbeat.interval.ms:"
            + " '1000'}}\n";
    try (ChildArchiver crashing =
        ChildArchiver.start(
            kafka.bootstrapServers(), dir, yaml, topic, "mid-multipart:1", dir.resolve("w"))) {
      assertThat(crashing.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(crashing.output()).contains("CRASH at mid-multipart");
      assertThat(crashing.process.exitValue()).isEqualTo(137);
    }
    try (ObjectStore store = store(s3.port());
        ChildArchiver again =
            ChildArchiver.start(
                kafka.bootstrapServers(), dir, yaml, topic, null, dir.resolve("w"))) {
      ArchiveVerifier v = new ArchiveVerifier(new ArchiveReader(store, "logs/v1"));
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> v.verify(List.of(topic), false).records() >= values.size());
      assertThat(again.stop()).isZero();
      ArchiveVerifier.Report report = v.verify(List.of(topic), true);
      assertThat(report.problems()).isEmpty();
      assertThat(report.records()).isEqualTo(values.size());
      assertThat(comparable(archivedLines(store, "logs/v1", topic)))
          .containsExactlyInAnyOrderElementsOf(expectedLines(values));
    }
  }
}
