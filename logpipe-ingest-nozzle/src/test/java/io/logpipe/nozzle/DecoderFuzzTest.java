package io.logpipe.nozzle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.nozzle.envelope.DecodeException;
import io.logpipe.nozzle.envelope.DropsondeDecoder;
import io.logpipe.nozzle.envelope.Envelope;
import io.logpipe.nozzle.envelope.RlpJsonDecoder;
import io.logpipe.nozzle.fake.FakeRlpGateway;
import io.logpipe.nozzle.stream.SseParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.LogFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * Hostile input for the decoders and the mapper behind them: random bytes, valid input cut short
 * and valid input with bytes changed. Nothing but {@link DecodeException} may come out, and
 * whatever decodes maps to a record whose JSON is valid.
 */
class DecoderFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RlpJsonDecoder rlp = new RlpJsonDecoder(1 << 20);
  private final DropsondeDecoder dropsonde = new DropsondeDecoder();
  private final EnvelopeMapper mapper =
      new EnvelopeMapper("dc", null, new NozzleMetrics(new SimpleMeterRegistry(), "test"));

  static byte[] validBatch(String text, int n) {
    LoggregatorEnvelope.EnvelopeBatch.Builder b = LoggregatorEnvelope.EnvelopeBatch.newBuilder();
    for (int i = 0; i < n; i++) {
      b.addBatch(
          LoggregatorEnvelope.Envelope.newBuilder()
              .setTimestamp(1700000000000000000L + i)
              .setSourceId("0b7bc8a4-69d3-4b35-a9d5-b4e8a4f2d9a1")
              .setInstanceId(Integer.toString(i))
              .putTags("source_type", "APP/PROC/WEB")
              .putTags("app_name", "shop")
              .setLog(
                  LoggregatorEnvelope.Log.newBuilder().setPayload(ByteString.copyFromUtf8(text))));
    }
    return FakeRlpGateway.json(b.build()).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] validV1(String text) {
    return EventFactory.Envelope.newBuilder()
        .setOrigin("rep")
        .setEventType(EventFactory.Envelope.EventType.LogMessage)
        .setTimestamp(1700000000000000000L)
        .putTags("deployment", "cf")
        .setLogMessage(
            LogFactory.LogMessage.newBuilder()
                .setMessage(ByteString.copyFromUtf8(text))
                .setMessageType(LogFactory.LogMessage.MessageType.OUT)
                .setTimestamp(1700000000000000000L)
                .setAppId("app"))
        .build()
        .toByteArray();
  }

  @Provide
  Arbitrary<String> lines() {
    return Arbitraries.strings().all().ofMaxLength(300);
  }

  /** Maps what decoded and checks the record's JSON parses. */
  private void mapAll(List<Envelope> envelopes) throws Exception {
    for (Envelope e : envelopes) {
      if (e.message() instanceof Envelope.Log log) {
        LogRecord r = mapper.toRecord(e, log, Instant.parse("2026-11-27T10:00:00Z"));
        JSON.readTree(LogRecordJson.encode(r));
      }
    }
  }

  @Property(tries = 300)
  void randomBytesAreRefusedWithADecodeException(@ForAll byte[] garbage) throws Exception {
    try {
      mapAll(rlp.decode(garbage, 0, garbage.length));
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    try {
      mapAll(List.of(dropsonde.decode(garbage)));
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 300)
  void aBatchCutShortIsRefusedWhole(
      @ForAll("lines") String text,
      @ForAll @IntRange(min = 1, max = 5) int n,
      @ForAll @IntRange(min = 0, max = 100_000) int cutAt) {
    byte[] valid = validBatch(text, n);
    int cut = cutAt % valid.length;
    assertThatThrownBy(() -> rlp.decode(valid, 0, cut)).isInstanceOf(DecodeException.class);
  }

  @Property(tries = 500)
  void changedBytesNeverEscapeAsAnythingButDecodeException(
      @ForAll("lines") String text,
      @ForAll @IntRange(min = 0, max = 100_000) int at,
      @ForAll byte value,
      @ForAll boolean v1)
      throws Exception {
    byte[] b = v1 ? validV1(text) : validBatch(text, 2);
    b = Arrays.copyOf(b, b.length);
    b[at % b.length] = value;
    try {
      mapAll(v1 ? List.of(dropsonde.decode(b)) : rlp.decode(b, 0, b.length));
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 300)
  void aV1EnvelopeCutShortDecodesToLessOrIsRefused(
      @ForAll("lines") String text, @ForAll @IntRange(min = 0, max = 100_000) int cutAt)
      throws Exception {
    byte[] valid = validV1(text);
    byte[] cut = Arrays.copyOf(valid, cutAt % valid.length);
    try {
      mapAll(List.of(dropsonde.decode(cut)));
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 300)
  void theSseParserHoldsNoMoreThanItsLimitWhateverItIsFed(
      @ForAll byte[] stream, @ForAll @IntRange(min = 1, max = 64) int chunk) {
    int[] events = {0};
    SseParser p =
        new SseParser(
            128,
            new SseParser.Listener() {
              @Override
              public void onEvent(String type, byte[] data, int length) {
                assertThat(length).isLessThanOrEqualTo(128);
                events[0]++;
              }

              @Override
              public void onOversized(long bytes) {
                assertThat(bytes).isGreaterThan(128);
              }
            });
    for (int off = 0; off < stream.length; off += chunk) {
      p.feed(stream, off, Math.min(chunk, stream.length - off));
    }
    assertThat(events[0]).isGreaterThanOrEqualTo(0);
  }
}
