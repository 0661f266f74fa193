package io.logpipe.nozzle;

import static io.logpipe.nozzle.NozzleTestBed.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.logpipe.core.record.LogRecord;
import io.logpipe.nozzle.fake.FakeCloudController;
import io.logpipe.nozzle.fake.FakeRlpGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;

/** The v2 nozzle against the fake RLP gateway, UAA and Cloud Controller, into a real broker. */
class RlpGatewayNozzleIT extends WithNozzleBed {

  static LoggregatorEnvelope.Envelope log(String app, String instance, String text, boolean err) {
    return LoggregatorEnvelope.Envelope.newBuilder()
        .setTimestamp(1461318380946558204L)
        .setSourceId(app)
        .setInstanceId(instance)
        .putTags("source_type", "APP/PROC/WEB")
        .putTags("origin", "rep")
        .setLog(
            LoggregatorEnvelope.Log.newBuilder()
                .setPayload(ByteString.copyFromUtf8(text))
                .setType(err ? LoggregatorEnvelope.Log.Type.ERR : LoggregatorEnvelope.Log.Type.OUT))
        .build();
  }

  static String app() {
    return UUID.randomUUID().toString();
  }

  String gatewayYaml(FakeRlpGateway g, String extra) {
    return "{url: '"
        + g.url()
        + "', reconnect: {initial_backoff: 50ms, max_backoff: 500ms}"
        + extra
        + "}";
  }

  @Test
  void theProtocolVectorBecomesThisRecordKeyedByAppIdAndMetricsGoToTheirTopic() throws Exception {
    Clock fixed = Clock.fixed(Instant.parse("2026-11-27T10:00:00.5Z"), ZoneOffset.UTC);
    try (FakeRlpGateway g = new FakeRlpGateway(bed.uaa, Clock.systemUTC())) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      Nozzle n =
          bed.nozzle(
              bed.settings(
                  gatewayYaml(g, ", shard_id: vector, event_types: [log, counter, gauge]")),
              reg,
              fixed);
      await().until(() -> g.subscribers("vector") == 1);
      assertThat(g.requests().get(0))
          .startsWith("GET /v2/read?log&counter&gauge&shard_id=vector | bearer eyJ");

      // The notes' v2 vector: the same line as the v1 one.
      g.publish(
          LoggregatorEnvelope.Envelope.newBuilder()
              .setTimestamp(1461318380946558204L)
              .setSourceId("app-vector")
              .setInstanceId("0")
              .putTags("source_type", "APP/PROC/WEB")
              .setLog(
                  LoggregatorEnvelope.Log.newBuilder()
                      .setPayload(ByteString.copyFromUtf8("hello"))
                      .setType(LoggregatorEnvelope.Log.Type.OUT))
              .build());
      g.publish(
          LoggregatorEnvelope.Envelope.newBuilder()
              .setTimestamp(1461318380946558204L)
              .setSourceId("doppler")
              .setCounter(
                  LoggregatorEnvelope.Counter.newBuilder()
                      .setName("egress")
                      .setDelta(-1L) // 2^64-1 unsigned
                      .setTotal(1462))
              .build());
      await().until(() -> count(reg, "logpipe.nozzle.published") >= 2);

      assertThat(valueWithKey("logs.app", "app-vector"))
          .isEqualTo(
              "{\"v\":1,\"time\":\"2016-04-22T09:46:20.946558204Z\",\"observed_time\":\"2026-11-27T10:00:00.500Z\","
                  + "\"kind\":\"app\",\"app_id\":\"app-vector\",\"instance\":\"0\",\"source_type\":\"APP/PROC/WEB\","
                  + "\"stream\":\"out\",\"severity\":\"info\",\"message\":\"hello\",\"datacenter\":\"dc-test\"}");
      assertThat(valueWithKey(NozzleTestBed.METRICS_TOPIC, "doppler"))
          .isEqualTo(
              "{\"v\":1,\"time\":\"2016-04-22T09:46:20.946558204Z\",\"observed_time\":\"2026-11-27T10:00:00.500Z\","
                  + "\"type\":\"counter\",\"source_id\":\"doppler\","
                  + "\"counter\":{\"name\":\"egress\",\"delta\":18446744073709551615,\"total\":1462},\"datacenter\":\"dc-test\"}");
      bed.closeNozzle(n);
    }
  }

  @Test
  void namesComeFromTheCloudControllerAndRecordsFlowWhileItIsDown() throws Exception {
    String app = app();
    bed.cc.add(
        new FakeCloudController.App(app, "checkout", "space-guid-1", "prod", "org-guid-1", "shop"));
    try (FakeRlpGateway g = new FakeRlpGateway(bed.uaa, Clock.systemUTC())) {
      bed.cc.down(true);
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(
          bed.settings(
              gatewayYaml(
                  g,
                  ", shard_id: names, cloud_controller: {url: '"
                      + bed.cc.url()
                      + "', error_backoff: 200ms}")),
          reg,
          Clock.systemUTC());
      await().until(() -> g.subscribers("names") == 1);
      g.publish(log(app, "0", "while the API is down", false));
      await().until(() -> recordsOf(app).size() == 1);
      assertThat(recordsOf(app).get(0).appName()).isNull();
      await()
          .until(
              () ->
                  count(reg, "logpipe.nozzle.cloud.controller.requests", "outcome", "error") >= 1);

      bed.cc.down(false);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                g.publish(log(app, "1", "after", true));
                return recordsOf(app).stream().anyMatch(r -> "checkout".equals(r.appName()));
              });
      LogRecord named =
          recordsOf(app).stream()
              .filter(r -> "checkout".equals(r.appName()))
              .findFirst()
              .orElseThrow();
      assertThat(named.spaceName()).isEqualTo("prod");
      assertThat(named.spaceId()).isEqualTo("space-guid-1");
      assertThat(named.orgName()).isEqualTo("shop");
      assertThat(named.orgId()).isEqualTo("org-guid-1");
      assertThat(named.message()).isEqualTo("after");
      assertThat(named.instance()).isEqualTo("1");
      assertThat(named.stream()).isEqualTo(io.logpipe.core.record.Stream.ERR);
      assertThat(named.tags()).containsEntry("origin", "rep");
    }
  }

  @Test
  void expiredAndRevokedTokensAreRenewedAndTheClosingEventReconnects() throws Exception {
    String app = app();
    bed.uaa.lifetimeSeconds(2);
    try (FakeRlpGateway g = new FakeRlpGateway(bed.uaa, Clock.systemUTC())) {
      g.streamTimeout(Duration.ofMillis(1500));
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      int issuedBefore = bed.uaa.issued();
      bed.nozzle(bed.settings(gatewayYaml(g, ", shard_id: tokens")), reg, Clock.systemUTC());
      await().until(() -> g.subscribers("tokens") == 1);
      g.publish(log(app, "0", "one", false));
      // The stream outlives its token; the gateway ends it with `closing`, the nozzle connects
      // again with a fresh token and lines keep coming.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(reg, "logpipe.nozzle.reconnects", "reason", "closing") >= 2);
      await().until(() -> g.subscribers("tokens") == 1);
      g.publish(log(app, "0", "two", false));
      await().until(() -> recordsOf(app).size() == 2);
      assertThat(bed.uaa.issued() - issuedBefore).isGreaterThanOrEqualTo(2);

    } finally {
      bed.uaa.lifetimeSeconds(43199);
    }
  }

  @Test
  void aTokenRevokedBeforeItExpiresIsRenewedWhenTheGatewayRefusesIt() throws Exception {
    String app = app();
    try (FakeRlpGateway g = new FakeRlpGateway(bed.uaa, Clock.systemUTC())) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(bed.settings(gatewayYaml(g, ", shard_id: revoked")), reg, Clock.systemUTC());
      await().until(() -> g.subscribers("revoked") == 1);
      bed.uaa.revokeAll();
      g.closeAll();
      // The next attempt still holds the old token: the gateway answers 404, the nozzle asks UAA
      // for a new token and connects.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(reg, "logpipe.nozzle.reconnects", "reason", "auth") >= 1);
      await().until(() -> g.subscribers("revoked") == 1);
      g.publish(log(app, "0", "after a new token", false));
      await().until(() -> recordsOf(app).size() == 1);
      assertThat(g.requests()).allMatch(r -> r.contains("| bearer "));
    }
  }

  @Test
  void aSilentGatewayIsLeftAfterTheReadTimeoutButHeartbeatsKeepTheStream() throws Exception {
    try (FakeRlpGateway g = new FakeRlpGateway(bed.uaa, Clock.systemUTC())) {
      g.heartbeatInterval(null);
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(
          bed.settings(gatewayYaml(g, ", shard_id: silent, read_timeout: 400ms")),
          reg,
          Clock.systemUTC());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(reg, "logpipe.nozzle.reconnects", "reason", "idle_timeout") >= 2);
      g.heartbeatInterval(Duration.ofMillis(100));
      await().until(() -> count(reg, "logpipe.nozzle.keepalives", "kind", "heartbeat") >= 3);
      double idle = count(reg, "logpipe.nozzle.reconnects", "reason", "idle_timeout");
      await().until(() -> count(reg, "logpipe.nozzle.keepalives", "kind", "heartbeat") >= 12);
      assertThat(count(reg, "logpipe.nozzle.reconnects", "reason", "idle_timeout")).isEqualTo(idle);
    }
  }

  @Test
  void garbageAndTruncatedEventsAreCountedAndDeadLetteredAndTheStreamGoesOn() throws Exception {
    String app = app();
    try (FakeRlpGateway g = new FakeRlpGateway(bed.uaa, Clock.systemUTC())) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      bed.nozzle(bed.settings(gatewayYaml(g, ", shard_id: garbage")), reg, Clock.systemUTC());
      await().until(() -> g.subscribers("garbage") == 1);
      String truncated =
          FakeRlpGateway.json(
                  LoggregatorEnvelope.EnvelopeBatch.newBuilder()
                      .addBatch(log(app, "0", "lost", false))
                      .build())
              .substring(0, 60);
      g.publishRaw("data: " + truncated + "\n\n");
      g.publishRaw("data: not json " + app + "\n\n");
      g.publish(log(app, "0", "after the garbage", false));
      await().until(() -> recordsOf(app).size() == 1);
      assertThat(recordsOf(app).get(0).message()).isEqualTo("after the garbage");
      assertThat(count(reg, "logpipe.nozzle.decode.errors", "reason", "json")).isEqualTo(2);
      await()
          .until(
              () ->
                  bed.values("logs.dlq").stream()
                      .filter(v -> v.contains("\"source\":\"nozzle-v2\""))
                      .anyMatch(v -> v.contains("not json " + app)));
      assertThat(count(reg, "logpipe.nozzle.reconnects")).isZero();
    }
  }

  @Test
  void twoNozzlesOfTwoConnectionsEachWithTheSameShardIdSplitTheStream() throws Exception {
    String app = app();
    try (FakeRlpGateway g = new FakeRlpGateway(bed.uaa, Clock.systemUTC())) {
      SimpleMeterRegistry a = new SimpleMeterRegistry();
      SimpleMeterRegistry b = new SimpleMeterRegistry();
      String shared = ", shard_id: shared, connections: 2";
      bed.nozzle(bed.settings(gatewayYaml(g, shared)), a, Clock.systemUTC());
      bed.nozzle(bed.settings(gatewayYaml(g, shared)), b, Clock.systemUTC());
      await().until(() -> g.subscribers("shared") == 4);
      for (int i = 0; i < 200; i++) {
        g.publish(log(app, "0", "line " + i, false));
      }
      await().until(() -> recordsOf(app).size() == 200);
      double fromA = count(a, "logpipe.nozzle.envelopes", "type", "log");
      double fromB = count(b, "logpipe.nozzle.envelopes", "type", "log");
      assertThat(fromA + fromB).isEqualTo(200);
      assertThat(fromA).isPositive();
      assertThat(fromB).isPositive();
      assertThat(recordsOf(app).stream().map(LogRecord::message).distinct()).hasSize(200);
    }
  }
}
