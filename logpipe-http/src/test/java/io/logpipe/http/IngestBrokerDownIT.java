package io.logpipe.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.record.LenientRecordReader;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaHealth;
import io.logpipe.kafka.KafkaRecordPublisher;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TestKafka;
import io.logpipe.kafka.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the broker stopped, ingest answers 503 and acknowledges nothing it did not deliver. */
class IngestBrokerDownIT {
  @TempDir Path dir;

  @Test
  void aStoppedBrokerGets503AndNothingUndeliveredIsAcknowledged() throws Exception {
    EmbeddedKafka kafka = TestKafka.start(dir.resolve("kafka"));
    ConfigNode root =
        ConfigNode.root(
            ConfigFiles.parse(
                "kafka: {producer: {delivery_timeout: 3s, request_timeout: 1s, linger: 0ms}}\n"
                    + "http: {listen: 127.0.0.1:0}",
                "test"),
            Map.of(),
            "test");
    KafkaSettings ks = KafkaSettings.from(root.section("kafka"));
    HttpSettings hs = HttpSettings.from(root.section("http"));
    root.finish();
    try (Admin admin = Admin.create(KafkaClients.admin(ks, kafka.bootstrapServers(), "t"))) {
      new TopicProvisioner(admin, Duration.ofSeconds(20))
          .ensure(TopicProvisioner.specs(ks, true), true);
    }
    KafkaRecordPublisher publisher =
        new KafkaRecordPublisher(ks, kafka.bootstrapServers(), new SimpleMeterRegistry());
    publisher.warmUp();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    HttpServer server = new HttpServer(hs, new SimpleMeterRegistry());
    server.route(
        HttpMethod.POST,
        "/api/v1/ingest",
        new IngestEndpoint(
            publisher,
            new LenientRecordReader(null),
            hs,
            workers,
            Clock.systemUTC(),
            Duration.ofSeconds(3),
            new SimpleMeterRegistry()));
    Admin healthAdmin = Admin.create(KafkaClients.admin(ks, kafka.bootstrapServers(), "health"));
    KafkaHealth health =
        new KafkaHealth(healthAdmin, Duration.ofSeconds(2), Duration.ZERO, Clock.systemUTC());
    server.route(
        HttpMethod.GET,
        "/healthz",
        new HealthEndpoint(
            Map.of(
                "kafka",
                () -> {
                  KafkaHealth.Status st = health.check();
                  return new HealthEndpoint.Check(
                      st.reachable(),
                      st.reachable()
                          ? Map.of("brokers", st.brokers())
                          : Map.of("error", st.error()));
                }),
            workers));
    int port = server.start().getPort();
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/ingest");
    URI healthz = URI.create("http://127.0.0.1:" + port + "/healthz");
    HttpClient client = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    try {
      HttpResponse<String> ok =
          client.send(req(uri, "before", 10), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);

      kafka.close();
      HttpResponse<String> down =
          client.send(req(uri, "during", 20), HttpResponse.BodyHandlers.ofString());
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.headers().firstValue("Retry-After")).isPresent();
      JsonNode answer = json.readTree(down.body());
      int acknowledged = answer.get("accepted").asInt();
      assertThat(answer.get("failed").asInt()).isEqualTo(20 - acknowledged);
      assertThat(answer.get("errors"))
          .allSatisfy(e -> assertThat(e.get("delivered").asBoolean()).isFalse());

      kafka = EmbeddedKafka.start(kafka.dataDir(), kafka.listen(), kafka.controller(), Map.of());
      // Every line the server called accepted is in Kafka: it acknowledged nothing it did not
      // deliver.
      long during =
          TestKafka.readAll(ks, kafka.bootstrapServers(), "logs.app").stream()
              .map(r -> LogRecordJson.decode(r.value()))
              .filter(r -> "during".equals(r.appName()))
              .count();
      assertThat(during).isGreaterThanOrEqualTo(acknowledged);
      HttpResponse<String> after =
          client.send(req(uri, "after", 5), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);
    } finally {
      server.close(Duration.ofSeconds(5));
      healthAdmin.close(Duration.ofSeconds(2));
      publisher.close(Duration.ofSeconds(5));
      workers.shutdownNow();
      kafka.close();
    }
  }

  static HttpRequest req(URI uri, String app, int n) {
    String body =
        IntStream.range(0, n)
            .mapToObj(i -> "{\"app\":\"" + app + "\",\"msg\":\"line " + i + "\"}\n")
            .collect(Collectors.joining());
    return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
