package io.logpipe.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TestKafka;
import io.logpipe.nozzle.fake.FakeRlpGateway;
import io.logpipe.nozzle.fake.FakeUaa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logpipe run --roles nozzle} as the launcher wires it, configured from the environment,
 * against a real broker and the fake RLP gateway: the metrics topic is created, app records and
 * metrics arrive, /healthz reports the stream.
 */
class NozzleRoleIT {
  @TempDir Path dir;

  @Test
  void theNozzleRoleStreamsIntoTheClusterWithConfigFromTheEnvironment() throws Exception {
    try (EmbeddedKafka kafka = TestKafka.start(dir.resolve("kafka"));
        FakeUaa uaa = new FakeUaa(Clock.systemUTC());
        FakeRlpGateway gateway = new FakeRlpGateway(uaa, Clock.systemUTC())) {
      Map<String, String> env =
          Map.ofEntries(
              Map.entry("LOGPIPE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
              Map.entry("LOGPIPE_KAFKA_TOPICS_REPLICATION_FACTOR", "1"),
              Map.entry("LOGPIPE_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "1"),
              Map.entry("LOGPIPE_HTTP_LISTEN", "127.0.0.1:0"),
              Map.entry("LOGPIPE_NOZZLE_URL", gateway.url().toString()),
              Map.entry("LOGPIPE_NOZZLE_EVENT_TYPES", "log,gauge"),
              Map.entry("LOGPIPE_NOZZLE_UAA_URL", uaa.url().toString()),
              Map.entry("LOGPIPE_NOZZLE_UAA_CLIENT_ID", FakeUaa.CLIENT),
              Map.entry("LOGPIPE_NOZZLE_UAA_CLIENT_SECRET", FakeUaa.SECRET),
              Map.entry("LOGPIPE_DATACENTER", "dc-1"));
      LogpipeConfig config = LogpipeConfig.load(null, env);
      try (LogpipeNode node = LogpipeNode.start(config, Set.of(Role.NOZZLE))) {
        // Two connections by default, sharing the stream.
        await().until(() -> gateway.subscribers("logpipe") == 2);
        gateway.publish(
            LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(1700000000000000000L)
                .setSourceId("0b7bc8a4-69d3-4b35-a9d5-b4e8a4f2d9a1")
                .setInstanceId("0")
                .putTags("source_type", "APP/PROC/WEB")
                .putTags("app_name", "checkout")
                .setLog(
                    LoggregatorEnvelope.Log.newBuilder()
                        .setPayload(ByteString.copyFromUtf8("GET /cart 200")))
                .build());
        gateway.publish(
            LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(1700000000000000000L)
                .setSourceId("0b7bc8a4-69d3-4b35-a9d5-b4e8a4f2d9a1")
                .setInstanceId("0")
                .setGauge(
                    LoggregatorEnvelope.Gauge.newBuilder()
                        .putMetrics(
                            "cpu",
                            LoggregatorEnvelope.GaugeValue.newBuilder()
                                .setUnit("percentage")
                                .setValue(12.5)
                                .build()))
                .build());

        KafkaSettings ks = config.kafka();
        await()
            .until(
                () ->
                    TestKafka.readAll(ks, kafka.bootstrapServers(), "logs.app").stream()
                        .anyMatch(
                            r ->
                                new String(r.value(), StandardCharsets.UTF_8)
                                    .contains(
                                        "\"app_name\":\"checkout\",\"instance\":\"0\",\"source_type\":\"APP/PROC/WEB\",\"stream\":\"out\",\"severity\":\"info\",\"message\":\"GET /cart 200\",\"datacenter\":\"dc-1\"")));
        await()
            .until(
                () ->
                    TestKafka.readAll(ks, kafka.bootstrapServers(), "cf.metrics").stream()
                        .anyMatch(
                            r ->
                                new String(r.value(), StandardCharsets.UTF_8)
                                    .contains(
                                        "\"gauge\":{\"cpu\":{\"unit\":\"percentage\",\"value\":12.5}}")));

        URI health = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + "/healthz");
        String body =
            HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body).contains("\"nozzle\"").contains("\"connected_streams\":2");
        assertThat(node.registry().scrape())
            .contains("logpipe_nozzle_envelopes_total{api=\"v2\",type=\"log\"} 1.0")
            .doesNotContain(FakeUaa.SECRET);
      }
    }
  }
}
