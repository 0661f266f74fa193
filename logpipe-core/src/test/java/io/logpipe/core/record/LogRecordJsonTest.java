package io.logpipe.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the canonical JSON form: each golden file holds the exact bytes a record encodes to, and
 * decoding those bytes gives the record back.
 */
class LogRecordJsonTest {
  static final Instant T = Instant.parse("2026-11-26T10:15:30.123456789Z");
  static final Instant OBSERVED = Instant.parse("2026-11-26T10:15:30.200Z");

  static Stream<Arguments> goldenRecords() {
    return Stream.of(
        Arguments.of(
            "app-full",
            LogRecord.app()
                .time(T)
                .observedTime(OBSERVED)
                .appId("6f3c5c2e-8d4b-4c1a-9a51-0b5e6f7d8e90")
                .appName("checkout-api")
                .spaceId("0a1b2c3d-0000-4000-8000-000000000001")
                .spaceName("production")
                .orgId("0a1b2c3d-0000-4000-8000-000000000002")
                .orgName("shop")
                .instance("0")
                .sourceType("APP/PROC/WEB")
                .stream(io.logpipe.core.record.Stream.OUT)
                .severity(Severity.INFO)
                .message("GET /cart 200 12ms")
                .tags(Map.of("deployment", "cf-prod", "index", "3"))
                .datacenter("eu-west-1")
                .build()),
        Arguments.of(
            "component-full",
            LogRecord.component()
                .time(Instant.parse("2026-11-26T10:15:30Z"))
                .observedTime(OBSERVED)
                .host("diego-cell-17")
                .program("rep")
                .pid("4242")
                .facility(Facility.LOCAL3)
                .severity(Severity.WARNING)
                .message("container \"a\\b\" failed health check\ttwice")
                .datacenter("dc1")
                .build()),
        Arguments.of(
            "app-minimal",
            LogRecord.app()
                .time(Instant.parse("2026-11-26T10:15:30.5Z"))
                .observedTime(Instant.parse("2026-11-26T10:15:30.5Z"))
                .appName("my-app")
                .message("")
                .build()),
        Arguments.of(
            "problem-text",
            LogRecord.component()
                .time(OBSERVED)
                .observedTime(OBSERVED)
                .host("10.0.0.5")
                .message("<999>garbage")
                .problem(ParseProblem.ofText("PRI 999 is above 191 at byte 1", "<999>garbage"))
                .build()),
        Arguments.of(
            "problem-base64",
            LogRecord.component()
                .time(OBSERVED)
                .observedTime(OBSERVED)
                .host("10.0.0.5")
                .message("bad \uFFFD byte")
                .problem(
                    ParseProblem.ofBytes(
                        "invalid UTF-8 at byte 4",
                        new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, ' ', 'b', 'y', 't', 'e'},
                        0,
                        10))
                .build()),
        Arguments.of(
            "unicode-and-controls",
            LogRecord.app()
                .time(Instant.parse("1999-12-31T23:59:59.999999Z"))
                .observedTime(Instant.parse("2026-11-26T10:15:30Z"))
                .appId("app-guid")
                .stream(io.logpipe.core.record.Stream.ERR)
                .message("Grüße 日本 \u001b[31mred\u001b[0m\r\nNUL:\u0000 emoji:\uD83D\uDE00")
                .build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenRecords")
  void encodesToTheGoldenBytesAndBack(String name, LogRecord record) throws IOException {
    String golden = golden(name);
    assertThat(new String(LogRecordJson.encode(record), StandardCharsets.UTF_8)).isEqualTo(golden);
    assertThat(LogRecordJson.decode(golden.getBytes(StandardCharsets.UTF_8))).isEqualTo(record);
  }

  static String golden(String name) throws IOException {
    try (InputStream in =
        LogRecordJsonTest.class.getResourceAsStream("/golden/record/" + name + ".json")) {
      assertThat(in).as("golden file %s.json", name).isNotNull();
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
  }

  @Test
  void kafkaKeyIsAppIdForAppsAndHostForComponents() {
    assertThat(LogRecord.app().times(T).appId("id").appName("n").build().kafkaKey())
        .isEqualTo("id");
    assertThat(LogRecord.app().times(T).appName("n").build().kafkaKey()).isEqualTo("n");
    assertThat(LogRecord.component().times(T).host("h").appId("x").build().kafkaKey())
        .isEqualTo("h");
  }

  @Test
  void unknownFieldsAreSkippedForForwardCompatibility() {
    String json =
        "{\"v\":1,\"time\":\"2026-11-26T10:15:30Z\",\"observed_time\":\"2026-11-26T10:15:30Z\","
            + "\"kind\":\"app\",\"future\":{\"a\":[1,2]},\"message\":\"m\",\"new_field\":\"x\"}";
    assertThat(LogRecordJson.decode(json.getBytes(StandardCharsets.UTF_8)).message())
        .isEqualTo("m");
  }

  @Test
  void timesWithOffsetsAreReadAsUtc() {
    String json =
        "{\"v\":1,\"time\":\"2026-11-26T11:15:30.1+01:00\",\"observed_time\":\"2026-11-26T10:15:30Z\","
            + "\"kind\":\"app\",\"message\":\"m\"}";
    assertThat(LogRecordJson.decode(json.getBytes(StandardCharsets.UTF_8)).time())
        .isEqualTo(Instant.parse("2026-11-26T10:15:30.100Z"));
  }

  @Test
  void badInputIsRejectedWithTheFieldAndTheReason() {
    assertThatThrownBy(() -> decode("{\"v\":2,\"kind\":\"app\"}"))
        .isInstanceOf(RecordFormatException.class)
        .hasMessage("field 'v': unsupported schema version 2 (this logpipe reads version 1)");
    assertThatThrownBy(
            () ->
                decode(
                    "{\"v\":1,\"time\":\"yesterday\",\"observed_time\":\"2026-11-26T10:15:30Z\","
                        + "\"kind\":\"app\",\"message\":\"m\"}"))
        .hasMessage(
            "field 'time': not an RFC 3339 timestamp such as 2026-11-26T10:15:30.123Z: 'yesterday'");
    assertThatThrownBy(
            () ->
                decode(
                    "{\"v\":1,\"time\":\"2026-11-26T10:15:30Z\",\"kind\":\"app\",\"message\":\"m\"}"))
        .hasMessage("missing field 'observed_time'");
    assertThatThrownBy(() -> decode("{\"v\":1,\"kind\":\"pod\"}"))
        .hasMessage("field 'kind': must be 'app' or 'component', not 'pod'");
    assertThatThrownBy(() -> decode("{\"v\":1,\"kind\":\"app\", \"message\": 5}"))
        .hasMessage("field 'message': expected a string, got a number");
    assertThatThrownBy(() -> decode("{\"v\":1,"))
        .isInstanceOf(RecordFormatException.class)
        .hasMessageStartingWith("not valid JSON: ");
    assertThatThrownBy(() -> decode("[1]")).hasMessage("expected a JSON object");
    assertThatThrownBy(() -> decode("{\"v\":1} {}"))
        .hasMessage("unexpected data after the JSON object");
  }

  private static LogRecord decode(String s) {
    return LogRecordJson.decode(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void toStringTruncatesLongMessages() {
    LogRecord r = LogRecord.app().times(T).appName("a").message("x".repeat(10_000)).build();
    assertThat(r.toString()).hasSizeLessThan(400).contains("(10000 chars)");
  }
}
