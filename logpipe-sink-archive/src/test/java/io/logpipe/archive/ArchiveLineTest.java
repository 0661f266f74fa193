package io.logpipe.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArchiveLineTest {
  static final Instant KAFKA_TIME = Instant.parse("2026-03-02T12:30:00Z");
  final ArchiveLine line = new ArchiveLine(Duration.ofDays(7), Duration.ofDays(30));

  static byte[] record(Instant time, String message) {
    return LogRecordJson.encode(
        LogRecord.component().times(time).host("cell-1").message(message).build());
  }

  static long hourOf(String iso) {
    return Instant.parse(iso).getEpochSecond() / 3600;
  }

  @Test
  void aCanonicalRecordIsKeptByteForByteInTheHourOfItsEventTime() {
    byte[] v = record(Instant.parse("2026-03-02T12:10:00.123456789Z"), "hello");
    line.read(v, KAFKA_TIME.toEpochMilli());
    assertThat(line.kind).isEqualTo(ArchiveLine.Kind.CANONICAL);
    assertThat(line.bytes).isSameAs(v);
    assertThat(line.hour).isEqualTo(hourOf("2026-03-02T12:00:00Z"));
  }

  @Test
  void aValueInsideTheConsumersBufferIsUsedInPlaceAndAForeignOneReencodedFromItsOwnBytesOnly() {
    byte[] v = record(Instant.parse("2026-03-02T12:10:00Z"), "in place");
    byte[] fetch = new byte[v.length + 20];
    java.util.Arrays.fill(fetch, (byte) '\n');
    System.arraycopy(v, 0, fetch, 7, v.length);
    line.read(java.nio.ByteBuffer.wrap(fetch, 7, v.length).slice(), KAFKA_TIME.toEpochMilli());
    assertThat(line.kind).isEqualTo(ArchiveLine.Kind.CANONICAL);
    assertThat(line.bytes).isSameAs(fetch);
    assertThat(new String(line.bytes, line.offset, line.length, StandardCharsets.UTF_8))
        .isEqualTo(new String(v, StandardCharsets.UTF_8));
    assertThat(line.hour).isEqualTo(hourOf("2026-03-02T12:00:00Z"));

    byte[] foreign = "{\"message\":\"from elsewhere\"}".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(foreign, 0, fetch, 3, foreign.length);
    line.read(java.nio.ByteBuffer.wrap(fetch, 3, foreign.length), KAFKA_TIME.toEpochMilli());
    assertThat(line.kind).isNotEqualTo(ArchiveLine.Kind.CANONICAL);
    String stored = new String(line.bytes, line.offset, line.length, StandardCharsets.UTF_8);
    assertThat(stored).contains("from elsewhere").doesNotContain("\n");
  }

  @Test
  void aLateRecordGoesToTheHourItHappenedInNotTheHourItArrived() {
    line.read(record(Instant.parse("2026-03-01T23:59:59Z"), "late"), KAFKA_TIME.toEpochMilli());
    assertThat(line.hour).isEqualTo(hourOf("2026-03-01T23:00:00Z"));
  }

  @Test
  void eventTimesFarFromTheKafkaTimeGoToTheOutOfRangeBucket() {
    line.read(record(Instant.parse("2099-01-01T00:00:00Z"), "future"), KAFKA_TIME.toEpochMilli());
    assertThat(line.hour).isEqualTo(ArchiveKeys.OUT_OF_RANGE);
    line.read(record(Instant.parse("1999-12-31T23:00:00Z"), "past"), KAFKA_TIME.toEpochMilli());
    assertThat(line.hour).isEqualTo(ArchiveKeys.OUT_OF_RANGE);
    // Just inside the bounds: still its own hour.
    line.read(record(KAFKA_TIME.plus(Duration.ofDays(6)), "soon"), KAFKA_TIME.toEpochMilli());
    assertThat(line.hour).isEqualTo(KAFKA_TIME.plus(Duration.ofDays(6)).getEpochSecond() / 3600);
    line.read(record(KAFKA_TIME.minus(Duration.ofDays(29)), "old"), KAFKA_TIME.toEpochMilli());
    assertThat(line.hour).isEqualTo(KAFKA_TIME.minus(Duration.ofDays(29)).getEpochSecond() / 3600);
  }

  @Test
  void aRecordInAnotherJsonLayoutIsStoredInCanonicalForm() {
    // The same record with a space after the first comma, as another JSON writer might put it.
    String json =
        new String(record(Instant.parse("2026-03-02T12:00:01Z"), "spaced"), StandardCharsets.UTF_8)
            .replaceFirst(",", ", ");
    line.read(json.getBytes(StandardCharsets.UTF_8), KAFKA_TIME.toEpochMilli());
    assertThat(line.kind).isEqualTo(ArchiveLine.Kind.REENCODED);
    String stored = new String(line.bytes, StandardCharsets.UTF_8);
    assertThat(stored)
        .startsWith("{\"v\":1,\"time\":\"2026-03-02T12:00:01Z\"")
        .doesNotContain("\n");
    assertThat(LogRecordJson.decode(line.bytes).message()).isEqualTo("spaced");
  }

  @Test
  void aValueThatIsNoRecordIsKeptFlaggedWithItsBytesAtItsKafkaTime() {
    line.read("not json\nat all".getBytes(StandardCharsets.UTF_8), KAFKA_TIME.toEpochMilli());
    assertThat(line.kind).isEqualTo(ArchiveLine.Kind.INVALID);
    LogRecord r = LogRecordJson.decode(line.bytes);
    assertThat(r.problem().raw()).isEqualTo("not json\nat all");
    assertThat(r.time()).isEqualTo(KAFKA_TIME);
    assertThat(new String(line.bytes, StandardCharsets.UTF_8)).doesNotContain("\n");
    line.read((byte[]) null, KAFKA_TIME.toEpochMilli());
    assertThat(line.kind).isEqualTo(ArchiveLine.Kind.INVALID);
  }

  @Test
  void theWordWiseLineBreakScanAgreesWithAByteByByteOne() {
    java.util.Random rnd = new java.util.Random(5);
    byte[] alphabet = {'\n', '\r', 0x0b, 0x0c, 0x09, (byte) 0x8a, (byte) 0x8d, 0, (byte) 0xff, 'a'};
    for (int round = 0; round < 20_000; round++) {
      byte[] v = new byte[rnd.nextInt(40)];
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextInt(4) == 0 ? alphabet[rnd.nextInt(alphabet.length)] : (byte) 'x';
      }
      boolean expected = false;
      for (byte b : v) {
        expected |= b == '\n' || b == '\r';
      }
      assertThat(ArchiveLine.hasLineBreak(v))
          .as("%s", java.util.Arrays.toString(v))
          .isEqualTo(expected);
    }
  }
}
