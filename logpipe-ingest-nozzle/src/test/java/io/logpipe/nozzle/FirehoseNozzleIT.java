package io.logpipe.nozzle;

import static io.logpipe.nozzle.NozzleTestBed.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.logpipe.core.record.LogRecord;
import io.logpipe.nozzle.fake.FakeTrafficController;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.LogFactory;
import org.cloudfoundry.dropsonde.events.UuidFactory;
import org.junit.jupiter.api.Test;

/** The v1 nozzle against the fake traffic controller and UAA, into a real broker. */
class FirehoseNozzleIT extends WithNozzleBed {

  /** §2.6 of the protocol notes: 62 bytes. */
  static final String V1_VECTOR =
      "0a03726570100530fc99c6c0b3aae9a314422b0a0568656c6c6f100118fc99c6c0b3aae9a31422056170702d31"
          + "2a0c4150502f50524f432f574542320130";

  static EventFactory.Envelope log(String app, String text) {
    return EventFactory.Envelope.newBuilder()
        .setOrigin("rep")
        .setEventType(EventFactory.Envelope.EventType.LogMessage)
        .setTimestamp(1700000000123456789L)
        .setDeployment("cf")
        .setJob("diego-cell")
        .setIndex("d2a3")
        .setIp("10.0.16.5")
        .setLogMessage(
            LogFactory.LogMessage.newBuilder()
                .setMessage(ByteString.copyFromUtf8(text))
                .setMessageType(LogFactory.LogMessage.MessageType.ERR)
                .setTimestamp(1700000000123456789L)
                .setAppId(app)
                .setSourceType("APP/PROC/WEB")
                .setSourceInstance("2"))
        .build();
  }

  String yaml(FakeTrafficController tc, String extra) {
    return "{api: v1, url: '"
        + tc.url()
        + "', reconnect: {initial_backoff: 50ms, max_backoff: 500ms}"
        + extra
        + "}";
  }

  @Test
  void theProtocolVectorBecomesThisRecordAndLargeFragmentedMessagesArriveWhole() throws Exception {
    Clock fixed = Clock.fixed(Instant.parse("2026-11-27T10:00:00.5Z"), ZoneOffset.UTC);
    try (FakeTrafficController tc = new FakeTrafficController(bed.uaa)) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(bed.settings(yaml(tc, ", shard_id: vector")), reg, fixed);
      await().until(() -> tc.subscribers("vector") == 1);
      assertThat(tc.requests().get(0))
          .startsWith("GET /firehose/vector?filter-type=logs | bearer eyJ");

      tc.publishRaw(HexFormat.of().parseHex(V1_VECTOR));
      // A 200 KiB line in five frames: decoded only once the message is complete.
      String app = UUID.randomUUID().toString();
      String big = "x".repeat(200 * 1024);
      tc.publishFragmented(log(app, big).toByteArray(), 5);
      await().until(() -> count(reg, "logpipe.nozzle.published") >= 2);

      assertThat(valueWithKey("logs.app", "app-1"))
          .isEqualTo(
              "{\"v\":1,\"time\":\"2016-04-22T09:46:20.946558204Z\",\"observed_time\":\"2026-11-27T10:00:00.500Z\","
                  + "\"kind\":\"app\",\"app_id\":\"app-1\",\"instance\":\"0\",\"source_type\":\"APP/PROC/WEB\","
                  + "\"stream\":\"out\",\"severity\":\"info\",\"message\":\"hello\",\"tags\":{\"origin\":\"rep\"},"
                  + "\"datacenter\":\"dc-test\"}");
      LogRecord large = recordsOf(app).get(0);
      assertThat(large.message()).isEqualTo(big);
      assertThat(large.instance()).isEqualTo("2");
      assertThat(large.tags())
          .containsEntry("deployment", "cf")
          .containsEntry("job", "diego-cell")
          .containsEntry("index", "d2a3")
          .containsEntry("ip", "10.0.16.5");
      assertThat(count(reg, "logpipe.nozzle.decode.errors")).isZero();
    }
  }

  @Test
  void pingsAreAnsweredSoTheKeepAliveHoldsAndClose1008Reconnects() throws Exception {
    String app = UUID.randomUUID().toString();
    try (FakeTrafficController tc = new FakeTrafficController(bed.uaa)) {
      tc.pingInterval(Duration.ofMillis(50));
      tc.keepAliveTimeout(Duration.ofMillis(300));
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(bed.settings(yaml(tc, ", shard_id: keepalive")), reg, Clock.systemUTC());
      await().until(() -> tc.subscribers("keepalive") == 1);
      await().until(() -> tc.pongs() >= 10);
      assertThat(count(reg, "logpipe.nozzle.reconnects")).isZero();
      assertThat(count(reg, "logpipe.nozzle.keepalives", "kind", "ping"))
          .isGreaterThanOrEqualTo(10);

      tc.closeAll(1008, FakeTrafficController.KEEPALIVE_REASON);
      await().until(() -> count(reg, "logpipe.nozzle.reconnects", "reason", "close_1008") == 1);
      await().until(() -> tc.subscribers("keepalive") == 1);
      tc.publish(log(app, "after the close"));
      await().until(() -> recordsOf(app).size() == 1);
    }
  }

  @Test
  void garbageProtobufIsCountedAndDeadLetteredAndTheStreamGoesOn() throws Exception {
    String app = UUID.randomUUID().toString();
    try (FakeTrafficController tc = new FakeTrafficController(bed.uaa)) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(bed.settings(yaml(tc, ", shard_id: garbage")), reg, Clock.systemUTC());
      await().until(() -> tc.subscribers("garbage") == 1);
      byte[] good = log(app, "good").toByteArray();
      tc.publishRaw(java.util.Arrays.copyOf(good, good.length - 7)); // cut short
      tc.publishRaw("\u0000\u00ff garbage".getBytes(StandardCharsets.ISO_8859_1));
      tc.publish(log(app, "good"));
      await().until(() -> recordsOf(app).size() == 1);
      assertThat(count(reg, "logpipe.nozzle.decode.errors", "reason", "protobuf")).isEqualTo(2);
      assertThat(count(reg, "logpipe.nozzle.reconnects")).isZero();
      await()
          .until(
              () ->
                  bed.values("logs.dlq").stream()
                          .filter(v -> v.contains("\"source\":\"nozzle-v1\""))
                          .count()
                      >= 2);
    }
  }

  @Test
  void aRevokedTokenGets401AndIsRenewed() throws Exception {
    String app = UUID.randomUUID().toString();
    try (FakeTrafficController tc = new FakeTrafficController(bed.uaa)) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(bed.settings(yaml(tc, ", shard_id: revoked")), reg, Clock.systemUTC());
      await().until(() -> tc.subscribers("revoked") == 1);
      bed.uaa.revokeAll();
      tc.closeAll(1000, "");
      await().until(() -> count(reg, "logpipe.nozzle.reconnects", "reason", "auth") >= 1);
      await().until(() -> tc.subscribers("revoked") == 1);
      tc.publish(log(app, "with a new token"));
      await().until(() -> recordsOf(app).size() == 1);
      assertThat(count(reg, "logpipe.nozzle.reconnects", "reason", "close_1000")).isEqualTo(1);
    }
  }

  @Test
  void twoNozzlesWithTheSameSubscriptionIdSplitTheFirehoseAndMetricsGoToTheirTopic()
      throws Exception {
    String app = UUID.randomUUID().toString();
    try (FakeTrafficController tc = new FakeTrafficController(bed.uaa)) {
      SimpleMeterRegistry a = new SimpleMeterRegistry();
      SimpleMeterRegistry b = new SimpleMeterRegistry();
      String extra = ", shard_id: shared, event_types: [log, timer]";
      bed.nozzle(bed.settings(yaml(tc, extra)), a, Clock.systemUTC());
      bed.nozzle(bed.settings(yaml(tc, extra)), b, Clock.systemUTC());
      await().until(() -> tc.subscribers("shared") == 2);
      assertThat(tc.requests()).allMatch(r -> r.startsWith("GET /firehose/shared | bearer "));
      for (int i = 0; i < 200; i++) {
        tc.publish(log(app, "line " + i));
      }
      long[] req = UuidHalves.of("f47ac10b-58cc-4372-a567-0e02b2c3d479");
      long[] appId = UuidHalves.of(app);
      tc.publish(
          EventFactory.Envelope.newBuilder()
              .setOrigin("gorouter")
              .setEventType(EventFactory.Envelope.EventType.HttpStartStop)
              .setTimestamp(1700000000000000000L)
              .setHttpStartStop(
                  HttpFactory.HttpStartStop.newBuilder()
                      .setStartTimestamp(1700000000000000000L)
                      .setStopTimestamp(1700000000012000000L)
                      .setRequestId(UuidFactory.UUID.newBuilder().setLow(req[0]).setHigh(req[1]))
                      .setPeerType(HttpFactory.PeerType.Client)
                      .setMethod(HttpFactory.Method.GET)
                      .setUri("https://shop.example.com/cart")
                      .setRemoteAddress("10.0.0.7:51234")
                      .setUserAgent("curl/8")
                      .setStatusCode(200)
                      .setContentLength(512)
                      .setApplicationId(
                          UuidFactory.UUID.newBuilder().setLow(appId[0]).setHigh(appId[1]))
                      .setInstanceIndex(1))
              .build());
      await().until(() -> recordsOf(app).size() == 200);
      double fromA = count(a, "logpipe.nozzle.envelopes", "type", "log");
      double fromB = count(b, "logpipe.nozzle.envelopes", "type", "log");
      assertThat(fromA + fromB).isEqualTo(200);
      assertThat(fromA).isPositive();
      assertThat(fromB).isPositive();
      await()
          .until(
              () ->
                  bed.values(NozzleTestBed.METRICS_TOPIC).stream()
                      .anyMatch(
                          v ->
                              v.contains(
                                      "\"type\":\"timer\",\"source_id\":\""
                                          + app
                                          + "\",\"instance_id\":\"1\"")
                                  && v.contains(
                                      "\"request_id\":\"f47ac10b-58cc-4372-a567-0e02b2c3d479\"")
                                  && v.contains("\"duration_ns\":12000000")));
    }
  }

  /** Dropsonde UUID halves of a UUID's text. */
  static final class UuidHalves {
    static long[] of(String uuid) {
      return io.logpipe.nozzle.envelope.Uuids.fromString(uuid);
    }
  }
}
