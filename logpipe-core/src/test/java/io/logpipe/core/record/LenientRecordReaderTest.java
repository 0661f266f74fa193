package io.logpipe.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LenientRecordReaderTest {
  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  final LenientRecordReader reader = new LenientRecordReader("dc1");

  LogRecord read(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return reader.read(b, 0, b.length, NOW);
  }

  @Test
  void theMinimalAppFormFillsTimesKindAndDatacenter() {
    LogRecord r = read("{\"app\":\"my-app\",\"msg\":\"hello\"}");
    assertThat(r.kind()).isEqualTo(Kind.APP);
    assertThat(r.appName()).isEqualTo("my-app");
    assertThat(r.message()).isEqualTo("hello");
    assertThat(r.time()).isEqualTo(NOW);
    assertThat(r.observedTime()).isEqualTo(NOW);
    assertThat(r.datacenter()).isEqualTo("dc1");
    assertThat(r.kafkaKey()).isEqualTo("my-app");
  }

  @Test
  void theMinimalComponentFormTakesLevelNamesAndTime() {
    LogRecord r =
        read(
            "{\"host\":\"router-1\",\"level\":\"error\",\"ts\":\"2026-11-26T09:00:00Z\",\"msg\":\"x\"}");
    assertThat(r.kind()).isEqualTo(Kind.COMPONENT);
    assertThat(r.severity()).isEqualTo(Severity.ERR);
    assertThat(r.time()).isEqualTo(Instant.parse("2026-11-26T09:00:00Z"));
    assertThat(r.observedTime()).isEqualTo(NOW);
  }

  @Test
  void aCanonicalRecordIsReadUnchanged() {
    LogRecord original =
        LogRecord.app()
            .time(Instant.parse("2026-11-26T09:00:00.123Z"))
            .observedTime(Instant.parse("2026-11-26T09:00:01Z"))
            .appId("id")
            .message("m")
            .datacenter("dc9")
            .build();
    assertThat(read(new String(LogRecordJson.encode(original), StandardCharsets.UTF_8)))
        .isEqualTo(original);
  }

  @Test
  void unknownScalarFieldsBecomeTags() {
    LogRecord r =
        read("{\"app\":\"a\",\"msg\":\"m\",\"user_id\":42,\"ok\":true,\"tags\":{\"t\":\"1\"}}");
    assertThat(r.tags()).isEqualTo(Map.of("user_id", "42", "ok", "true", "t", "1"));
  }

  @Test
  void badLinesSayWhatIsWrong() {
    assertThatThrownBy(() -> read("{\"app\":\"a\"}"))
        .isInstanceOf(RecordFormatException.class)
        .hasMessage("missing field 'message' (or 'msg')");
    assertThatThrownBy(() -> read("{\"msg\":\"m\"}"))
        .hasMessage(
            "cannot tell an app record from a component record: give 'app' (the app name), 'app_id'"
                + " or 'host', or set 'kind'");
    assertThatThrownBy(() -> read("{\"app\":\"a\",\"msg\":\"m\",\"ctx\":{\"a\":1}}"))
        .hasMessage(
            "field 'ctx': unknown field with an object value; unknown fields must be strings, numbers"
                + " or booleans (they become tags)");
    assertThatThrownBy(() -> read("{\"app\":\"a\",\"msg\":\"m\",\"level\":\"loud\"}"))
        .hasMessageStartingWith("field 'severity': not a severity");
    assertThatThrownBy(() -> read("not json")).hasMessageStartingWith("not valid JSON");
    assertThatThrownBy(() -> read("{\"app\":\"a\",\"msg\":\"m\",\"problem\":{}}"))
        .hasMessage("field 'problem': set by logpipe's parsers, not accepted from clients");
  }
}
