package io.logpipe.archive;

import static io.logpipe.archive.ArchiveTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.archive.store.FilesystemObjectStore;
import io.logpipe.archive.store.ObjectStore;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The archiver against a real embedded broker and a filesystem store. */
class ArchiverIT {
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

  private Archiver archiver(ArchiveSettings s, ObjectStore store, SimpleMeterRegistry registry)
      throws Exception {
    return archiver(s, store, registry, Archiver.Faults.NONE);
  }

  private Archiver archiver(
      ArchiveSettings s, ObjectStore store, SimpleMeterRegistry registry, Archiver.Faults faults)
      throws Exception {
    return new Archiver(
            s, KAFKA, kafka.bootstrapServers(), store, registry, Clock.systemUTC(), faults)
        .start();
  }

  private static void awaitArchived(ObjectStore store, String topic, long records) {
    ArchiveVerifier v = new ArchiveVerifier(new ArchiveReader(store, ""));
    // A condition, not a speed: generous for a loaded machine.
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> v.verify(List.of(topic), false).records() >= records);
  }

  @Test
  void archivesEveryRecordExactlyOnceAndResumesAtTheEndOfTheMarkerChainAfterARestart()
      throws Exception {
    String topic = "restart";
    createTopic(kafka.bootstrapServers(), topic, 3);
    List<byte[]> first = records(3000, 1, 100);
    produce(kafka.bootstrapServers(), topic, 3, first);
    ArchiveSettings s =
        settings(
            "archive: {max_object_age: 500ms, max_object_size: 64KiB, group_id: g-restart}",
            dir,
            topic);
    ObjectStore store = new FilesystemObjectStore(s.directory());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Archiver a = archiver(s, store, registry);
    awaitArchived(store, topic, 3000);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                registry.find("logpipe_archive_lag_records").gauges().stream()
                    .allMatch(g -> g.value() == 0));
    assertThat(registry.find("logpipe_archive_last_offset").gauges()).hasSize(3);
    assertThat(
            registry.find("logpipe_archive_out_of_range_records_total").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isEqualTo(first.stream().filter(v -> new String(v).contains("2099-")).count());
    a.close(Duration.ofSeconds(10));

    List<byte[]> second = records(2000, 2, 100);
    produce(kafka.bootstrapServers(), topic, 3, second);
    // Another configuration (other cut points) and another group: the markers, not Kafka's
    // committed offsets, say where to resume.
    ArchiveSettings s2 =
        settings(
            "archive: {max_object_age: 300ms, max_object_size: 16KiB, group_id: g-restart-2}",
            dir,
            topic);
    Archiver b = archiver(s2, store, new SimpleMeterRegistry());
    awaitArchived(store, topic, 5000);
    b.close(Duration.ofSeconds(10));

    ArchiveVerifier.Report report =
        new ArchiveVerifier(new ArchiveReader(store, "")).verify(List.of(topic), true);
    assertThat(report.problems()).isEmpty();
    assertThat(report.records()).isEqualTo(5000);
    List<byte[]> all = new ArrayList<>(first);
    all.addAll(second);
    assertThat(comparable(archivedLines(store, "", topic)))
        .containsExactlyInAnyOrderElementsOf(expectedLines(all));

    try (Stream<Path> files = Files.walk(s.directory())) {
      List<String> keys =
          files
              .filter(Files::isRegularFile)
              .map(p -> s.directory().relativize(p).toString())
              .toList();
      assertThat(keys).anyMatch(k -> k.startsWith(topic + "/dt=out-of-range/p"));
      String hourDir = new ArchiveKeys("").hourDir(topic, BASE.getEpochSecond() / 3600 + 2);
      assertThat(keys).anyMatch(k -> k.startsWith(hourDir + "p"));
      assertThat(keys).allMatch(k -> !k.contains("app"));
    }
    // Records arrive with their hours interleaved: each still lands in its own event hour.
    ArchiveReader reader = new ArchiveReader(store, "");
    for (ArchiveReader.LiveObject o : reader.liveObjects(List.of(topic), null, null)) {
      String key = o.entry().key();
      if (!key.contains("/dt=out-of-range/")) {
        long minHour = o.entry().minTime().getEpochSecond() / 3600;
        long maxHour = o.entry().maxTime().getEpochSecond() / 3600;
        assertThat(minHour).as(key).isEqualTo(maxHour);
        assertThat(key).startsWith(reader.keys().hourDir(topic, minHour));
      }
    }
  }

  @Test
  void aReplayWithOtherCutPointsAfterALostMarkerLeavesNoDuplicate() throws Exception {
    String topic = "replay";
    createTopic(kafka.bootstrapServers(), topic, 1);
    List<byte[]> values = records(2000, 3, 50);
    produce(kafka.bootstrapServers(), topic, 1, values);
    ArchiveSettings s =
        settings(
            "archive: {max_object_age: 200ms, max_object_size: 8KiB, group_id: g-replay}",
            dir,
            topic);
    ObjectStore store = new FilesystemObjectStore(s.directory());
    Archiver a = archiver(s, store, new SimpleMeterRegistry());
    awaitArchived(store, topic, 2000);
    a.close(Duration.ofSeconds(10));

    // A crash before the last markers were written: their objects stay as orphans.
    ArchiveReader reader = new ArchiveReader(store, "");
    ArchiveReader.Partition p = reader.partitions(List.of(topic)).get(0);
    List<CommitMarker> links = reader.chain(p).links();
    assertThat(links.size()).isGreaterThan(3);
    long resumeAt = links.get(links.size() / 2).start();
    for (CommitMarker m : links.subList(links.size() / 2, links.size())) {
      store.delete(reader.keys().markerKey(topic, m.clusterId(), m.topicId(), 0, m.start()));
    }
    // Replay with other cut points, from Kafka's (now too far) committed offset: the archiver
    // resumes at the end of the chain instead.
    ArchiveSettings s2 =
        settings(
            "archive: {max_object_age: 1s, max_object_size: 48KiB, compression: gzip,"
                + " group_id: g-replay}",
            dir,
            topic);
    Archiver b = archiver(s2, store, new SimpleMeterRegistry());
    awaitArchived(store, topic, 2000);
    b.close(Duration.ofSeconds(10));

    ArchiveVerifier.Report report = new ArchiveVerifier(reader).verify(List.of(topic), true);
    assertThat(report.problems()).isEmpty();
    assertThat(report.records()).isEqualTo(2000);
    assertThat(report.orphans()).isPositive();
    assertThat(reader.chain(p).links()).anyMatch(m -> m.start() == resumeAt);
    // The replay wrote gzip, the first run zstd; readers take both.
    List<String> liveKeys =
        reader.liveObjects(List.of(topic), null, null).stream().map(o -> o.entry().key()).toList();
    assertThat(liveKeys).anyMatch(k -> k.endsWith(".ndjson.gz"));
    assertThat(liveKeys).anyMatch(k -> k.endsWith(".ndjson.zst"));
    assertThat(comparable(archivedLines(store, "", topic)))
        .containsExactlyInAnyOrderElementsOf(expectedLines(values));
  }

  @Test
  void twoInstancesInOneGroupShareThePartitionsWithoutLossOrDuplicate() throws Exception {
    String topic = "scale";
    createTopic(kafka.bootstrapServers(), topic, 4);
    ArchiveSettings s =
        settings(
            "archive: {max_object_age: 300ms, max_object_size: 32KiB, group_id: g-scale}",
            dir,
            topic);
    ObjectStore store = new FilesystemObjectStore(s.directory());
    List<byte[]> all = new ArrayList<>();
    Archiver a = archiver(s, store, new SimpleMeterRegistry());
    List<byte[]> v1 = records(2000, 4, 80);
    produce(kafka.bootstrapServers(), topic, 4, v1);
    all.addAll(v1);
    Archiver b = archiver(s, store, new SimpleMeterRegistry());
    List<byte[]> v2 = records(2000, 5, 80);
    produce(kafka.bootstrapServers(), topic, 4, v2);
    all.addAll(v2);
    awaitArchived(store, topic, 3000);
    a.close(Duration.ofSeconds(10));
    List<byte[]> v3 = records(2000, 6, 80);
    produce(kafka.bootstrapServers(), topic, 4, v3);
    all.addAll(v3);
    awaitArchived(store, topic, 6000);
    b.close(Duration.ofSeconds(10));

    ArchiveVerifier.Report report =
        new ArchiveVerifier(new ArchiveReader(store, "")).verify(List.of(topic), true);
    assertThat(report.problems()).isEmpty();
    assertThat(report.partitions()).isEqualTo(4);
    assertThat(comparable(archivedLines(store, "", topic)))
        .containsExactlyInAnyOrderElementsOf(expectedLines(all));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"max_buffered: 64KiB", "max_staging: 64KiB"})
  void reachingABufferBoundPausesConsumptionAndStillArchivesEverything(String bound)
      throws Exception {
    String topic = "bounded-" + (bound.startsWith("max_buffered") ? "memory" : "disk");
    createTopic(kafka.bootstrapServers(), topic, 2);
    // Three hours, in runs of about fifty records per partition: late records are common, but
    // not one in every record (with two writers that would cut a unit per record).
    List<byte[]> values = new ArrayList<>();
    List<byte[]> mixed = records(3000, 7, 200);
    ArchiveLine line = new ArchiveLine(Duration.ofDays(7), Duration.ofDays(30));
    for (int i = 0; i < mixed.size(); i += 300) {
      List<byte[]> chunk = new ArrayList<>(mixed.subList(i, Math.min(mixed.size(), i + 300)));
      chunk.sort(
          java.util.Comparator.comparingLong(
              v -> {
                line.read(v, System.currentTimeMillis());
                return line.hour;
              }));
      values.addAll(chunk);
    }
    produce(kafka.bootstrapServers(), topic, 2, values);
    // Objects would be cut only after a minute; the buffer bound forces cuts and pauses.
    ArchiveSettings s =
        settings(
            "archive: {max_object_age: 1m, "
                + bound
                + ", max_open_writers: 2, group_id: g-"
                + topic
                + "}",
            dir,
            topic);
    ObjectStore store = new FilesystemObjectStore(s.directory());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // Read each time a writer opens (on the consumer thread, the only place the count grows):
    // never more open writers than the bound, though the records span three hours on each of two
    // partitions (six writers without the bound). Sampling the gauge from the test thread missed
    // them on a loaded machine: they are open for only some tens of milliseconds.
    AtomicLong mostWriters = new AtomicLong();
    Archiver.Faults writersOpened =
        point -> {
          if (point.equals("writer-opened")) {
            long open = (long) registry.get("logpipe_archive_open_writers").gauge().value();
            mostWriters.accumulateAndGet(open, Math::max);
          }
        };
    Archiver a = archiver(s, store, registry, writersOpened);
    awaitArchived(store, topic, 3000);
    // Every record was produced before the archiver started, so its first poll takes far more
    // than the bound: the pause does not depend on how fast this machine is.
    assertThat(registry.get("logpipe_archive_pauses_total").counter().count()).isPositive();
    assertThat(mostWriters.get()).isPositive().isLessThanOrEqualTo(2);
    a.close(Duration.ofSeconds(10));
    ArchiveVerifier.Report report =
        new ArchiveVerifier(new ArchiveReader(store, "")).verify(List.of(topic), true);
    assertThat(report.problems()).isEmpty();
    assertThat(comparable(archivedLines(store, "", topic)))
        .containsExactlyInAnyOrderElementsOf(expectedLines(values));
  }
}
