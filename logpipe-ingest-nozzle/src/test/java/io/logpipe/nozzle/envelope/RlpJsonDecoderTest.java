package io.logpipe.nozzle.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RlpJsonDecoderTest {
  private final RlpJsonDecoder decoder = new RlpJsonDecoder(1 << 20);

  private List<Envelope> decode(String json) throws DecodeException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return decoder.decode(b, 0, b.length);
  }

  @Test
  void readsCamelCaseNamesNumbersForInt64AndUrlSafeBase64WithoutPadding() throws Exception {
    Envelope e =
        decode(
                "{\"batch\":[{\"timestamp\":1700000000123456789,\"sourceId\":\"a\",\"instanceId\":\"3\","
                    + "\"log\":{\"payload\":\"_-8\",\"type\":1}}]}")
            .get(0);
    assertThat(e.timestamp()).isEqualTo(1700000000123456789L);
    assertThat(e.sourceId()).isEqualTo("a");
    assertThat(e.instanceId()).isEqualTo("3");
    Envelope.Log log = (Envelope.Log) e.message();
    assertThat(log.payload()).containsExactly(0xff, 0xef);
    assertThat(log.err()).isTrue();
  }

  @Test
  void readsEveryMessageKindWithUnsigned64BitCounters() throws Exception {
    List<Envelope> b =
        decode(
            "{\"batch\":["
                + "{\"timestamp\":\"1\",\"source_id\":\"doppler\",\"instance_id\":\"\",\"deprecated_tags\":{},\"tags\":{},"
                + "\"counter\":{\"name\":\"egress\",\"delta\":\"18446744073709551615\",\"total\":\"1462\"}},"
                + "{\"timestamp\":\"2\",\"source_id\":\"s\",\"gauge\":{\"metrics\":{\"cpu\":{\"unit\":\"percentage\",\"value\":\"NaN\"},"
                + "\"memory\":{\"unit\":\"bytes\",\"value\":1024}}}},"
                + "{\"timestamp\":\"3\",\"source_id\":\"s\",\"timer\":{\"name\":\"http\",\"start\":\"10\",\"stop\":\"25\"}},"
                + "{\"timestamp\":\"4\",\"source_id\":\"s\",\"event\":{\"title\":\"t\",\"body\":\"b\"},"
                + "\"deprecated_tags\":{\"n\":{\"integer\":\"5\"},\"x\":{\"text\":\"y\"}}}"
                + "]}");
    assertThat(b).hasSize(4);
    Envelope.Counter c = (Envelope.Counter) b.get(0).message();
    assertThat(Long.toUnsignedString(c.delta())).isEqualTo("18446744073709551615");
    assertThat(c.total()).isEqualTo(1462);
    Envelope.Gauge g = (Envelope.Gauge) b.get(1).message();
    assertThat(g.metrics().get("cpu").value()).isNaN();
    assertThat(g.metrics().get("memory").value()).isEqualTo(1024.0);
    assertThat((Envelope.Timer) b.get(2).message()).isEqualTo(new Envelope.Timer("http", 10, 25));
    assertThat(b.get(3).tags()).containsEntry("n", "5").containsEntry("x", "y");
  }

  @Test
  void aBadFieldFlagsTheEnvelopeAndKeepsItsText() throws Exception {
    Envelope e =
        decode(
                "{\"batch\":[{\"timestamp\":\"soon\",\"source_id\":\"a\",\"log\":{\"payload\":\"a$b=\"}}]}")
            .get(0);
    assertThat(e.problem()).contains("\"timestamp\" is \"soon\"").contains("log.payload");
    assertThat(new String(e.raw(), StandardCharsets.UTF_8))
        .isEqualTo("{\"timestamp\":\"soon\",\"source_id\":\"a\",\"log\":{\"payload\":\"a$b=\"}}");
  }

  @Test
  void envelopesWithoutAMessageAreSkippedAndCounted() throws Exception {
    assertThat(decode("{\"batch\":[{\"source_id\":\"a\"},{\"source_id\":\"b\",\"event\":{}}]}"))
        .hasSize(1);
    assertThat(decoder.skipped()).isEqualTo(1);
  }

  @Test
  void textThatIsNotABatchIsRefusedWhole() {
    assertThatThrownBy(() -> decode("{\"batch\":[{\"source_id\":\"a\",\"log\":{}}"))
        .isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> decode("[1,2]")).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> decode("{\"batch\":[1]}"))
        .hasMessageContaining("where an envelope belongs");
    assertThatThrownBy(() -> decode("{} trailing")).isInstanceOf(DecodeException.class);
  }
}
