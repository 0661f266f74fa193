package io.logpipe.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchiveKeysTest {
  static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qk";
  static final String TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAQ";

  @Test
  void aDataKeyHoldsThePrefixTopicEventHourPartitionOffsetsAndTheKafkaIds() {
    long hour = Instant.parse("2026-03-02T09:59:59Z").getEpochSecond() / 3600;
    String key =
        new ArchiveKeys("logs/dc1")
            .dataKey("logs.app", hour, 3, 1200, 1499, CLUSTER, TOPIC_ID, "zst");
    assertThat(key)
        .isEqualTo(
            "logs/dc1/logs.app/dt=2026-03-02/hr=09/p3.00000000000000001200-00000000000000001499."
                + CLUSTER
                + "."
                + TOPIC_ID
                + ".ndjson.zst");
    assertThat(ArchiveKeys.parseDataName(key))
        .isEqualTo(new ArchiveKeys.DataName(3, 1200, 1499, CLUSTER, TOPIC_ID));
  }

  @Test
  void absurdEventTimesShareOneClearlyNamedBucket() {
    assertThat(
            new ArchiveKeys("")
                .dataKey("t", ArchiveKeys.OUT_OF_RANGE, 0, 5, 9, CLUSTER, TOPIC_ID, "gz"))
        .startsWith("t/dt=out-of-range/p0.")
        .endsWith(".ndjson.gz");
  }

  @Test
  void keysSortInOffsetOrder() {
    ArchiveKeys k = new ArchiveKeys("");
    String a = k.markerKey("t", CLUSTER, TOPIC_ID, 0, 999);
    String b = k.markerKey("t", CLUSTER, TOPIC_ID, 0, 1000);
    assertThat(a).isLessThan(b);
    assertThat(ArchiveKeys.markerStart(b)).isEqualTo(1000);
    assertThat(b)
        .isEqualTo("_manifest/t/" + CLUSTER + "/" + TOPIC_ID + "/p=0/00000000000000001000.json");
    assertThat(ArchiveKeys.markerStart("t/dt=2026-01-01/hr=00/p0.x.ndjson.zst")).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"..", "a/../b", "a//b", "/a", "a/", "_manifest", "a b", "caf\u00e9", "a\\b", "."})
  void unsafePrefixesAreRefused(String prefix) {
    assertThat(ArchiveKeys.isSafePrefix(prefix)).isFalse();
    assertThatThrownBy(() -> new ArchiveKeys(prefix)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void safePrefixesAndTopicsAreAccepted() {
    assertThat(ArchiveKeys.isSafePrefix("")).isTrue();
    assertThat(ArchiveKeys.isSafePrefix("archive/dc-1/v1.0")).isTrue();
    assertThat(ArchiveKeys.isSafeTopic("logs.app")).isTrue();
    assertThat(ArchiveKeys.isSafeTopic("..")).isFalse();
    assertThat(ArchiveKeys.isSafeTopic("a/b")).isFalse();
  }

  @Test
  void idsThatAreNotKafkaIdsNeverReachAKey() {
    ArchiveKeys k = new ArchiveKeys("");
    assertThatThrownBy(() -> k.dataKey("t", 0, 0, 0, 0, "../x", TOPIC_ID, "zst"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> k.markerDir("t", CLUSTER, "a/b", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
