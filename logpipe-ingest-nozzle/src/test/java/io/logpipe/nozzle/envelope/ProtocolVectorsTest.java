package io.logpipe.nozzle.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.logpipe.nozzle.fake.FakeRlpGateway;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.LogFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;

/** The test vectors of the loggregator protocol notes, byte for byte. */
class ProtocolVectorsTest {
  static final long TS = 1461318380946558204L;

  /** §2.6: the v1 envelope, 62 bytes. */
  static final String V1_VECTOR =
      "0a03726570"
          + "1005"
          + "30fc99c6c0b3aae9a314"
          + "422b"
          + "0a0568656c6c6f"
          + "1001"
          + "18fc99c6c0b3aae9a314"
          + "22056170702d31"
          + "2a0c4150502f50524f432f574542"
          + "320130";

  /** §3.1: the same line as a v2 envelope, 58 bytes. */
  static final String V2_VECTOR =
      "08fc99c6c0b3aae9a314"
          + "12056170702d31"
          + "2207"
          + "0a0568656c6c6f"
          + "420130"
          + "4a1b"
          + "0a0b736f757263655f74797065"
          + "120c4150502f50524f432f574542";

  /** §3.1: its RLP gateway JSON. */
  static final String V2_JSON =
      "{\"batch\":[{\"timestamp\":\"1461318380946558204\",\"source_id\":\"app-1\",\"instance_id\":\"0\","
          + "\"deprecated_tags\":{},\"tags\":{\"source_type\":\"APP/PROC/WEB\"},"
          + "\"log\":{\"payload\":\"aGVsbG8=\",\"type\":\"OUT\"}}]}";

  static EventFactory.Envelope v1Envelope() {
    return EventFactory.Envelope.newBuilder()
        .setOrigin("rep")
        .setEventType(EventFactory.Envelope.EventType.LogMessage)
        .setTimestamp(TS)
        .setLogMessage(
            LogFactory.LogMessage.newBuilder()
                .setMessage(ByteString.copyFromUtf8("hello"))
                .setMessageType(LogFactory.LogMessage.MessageType.OUT)
                .setTimestamp(TS)
                .setAppId("app-1")
                .setSourceType("APP/PROC/WEB")
                .setSourceInstance("0"))
        .build();
  }

  static LoggregatorEnvelope.Envelope v2Envelope() {
    return LoggregatorEnvelope.Envelope.newBuilder()
        .setTimestamp(TS)
        .setSourceId("app-1")
        .setInstanceId("0")
        .putTags("source_type", "APP/PROC/WEB")
        .setLog(
            LoggregatorEnvelope.Log.newBuilder()
                .setPayload(ByteString.copyFromUtf8("hello"))
                .setType(LoggregatorEnvelope.Log.Type.OUT))
        .build();
  }

  @Test
  void ourDropsondeProtoEncodesTheV1VectorExactly() {
    byte[] bytes = v1Envelope().toByteArray();
    assertThat(bytes).hasSize(62);
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(V1_VECTOR);
  }

  @Test
  void ourV2ProtoEncodesTheV2VectorExactly() {
    byte[] bytes = v2Envelope().toByteArray();
    assertThat(bytes).hasSize(58);
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(V2_VECTOR);
  }

  @Test
  void theV1VectorDecodesToTheLogLine() throws DecodeException {
    Envelope e = new DropsondeDecoder().decode(HexFormat.of().parseHex(V1_VECTOR));
    assertThat(e.timestamp()).isEqualTo(TS);
    assertThat(e.sourceId()).isEqualTo("app-1");
    assertThat(e.instanceId()).isEqualTo("0");
    assertThat(e.tags()).isEqualTo(Map.of("origin", "rep", "source_type", "APP/PROC/WEB"));
    Envelope.Log log = (Envelope.Log) e.message();
    assertThat(new String(log.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(log.err()).isFalse();
  }

  @Test
  void theV2JsonVectorDecodesToTheSameLogLine() throws DecodeException {
    byte[] json = V2_JSON.getBytes(StandardCharsets.UTF_8);
    List<Envelope> batch = new RlpJsonDecoder(1 << 20).decode(json, 0, json.length);
    assertThat(batch).hasSize(1);
    Envelope e = batch.get(0);
    assertThat(e.timestamp()).isEqualTo(TS);
    assertThat(e.sourceId()).isEqualTo("app-1");
    assertThat(e.instanceId()).isEqualTo("0");
    assertThat(e.tags()).isEqualTo(Map.of("source_type", "APP/PROC/WEB"));
    Envelope.Log log = (Envelope.Log) e.message();
    assertThat(new String(log.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(log.err()).isFalse();
    assertThat(e.problem()).isNull();
  }

  @Test
  void theFakeGatewayPrintsTheVectorAsTheGatewayDoes() throws Exception {
    String printed =
        FakeRlpGateway.json(
            LoggregatorEnvelope.EnvelopeBatch.newBuilder().addBatch(v2Envelope()).build());
    // Key order and whitespace are not significant; compare as JSON trees.
    com.fasterxml.jackson.databind.ObjectMapper m =
        new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(m.readTree(printed)).isEqualTo(m.readTree(V2_JSON));
    assertThat(printed).doesNotContain("\n");
  }

  @Test
  void dropsondeUuidsAreLittleEndianHalves() {
    // The proto's own example.
    String uuid = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    long[] halves = Uuids.fromString(uuid);
    assertThat(halves[0]).isEqualTo(0x7243cc580bc17af4L);
    assertThat(halves[1]).isEqualTo(0x79d4c3b2020e67a5L);
    assertThat(Uuids.toString(0x7243cc580bc17af4L, 0x79d4c3b2020e67a5L)).isEqualTo(uuid);
  }
}
