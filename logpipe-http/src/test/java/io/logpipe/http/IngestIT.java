package io.logpipe.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.record.LenientRecordReader;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaRecordPublisher;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TestKafka;
import io.logpipe.kafka.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP ingest end to end on a real embedded broker. */
class IngestIT {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static KafkaSettings kafkaSettings;
  static HttpSettings httpSettings;
  static KafkaRecordPublisher publisher;
  static HttpServer server;
  static ExecutorService workers;
  static PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  static final HttpClient client = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static URI base;

  @BeforeAll
  static void start() {
    kafka = TestKafka.start(dir.resolve("kafka"));
    ConfigNode root =
        ConfigNode.root(
            ConfigFiles.parse(
                "kafka: {producer: {delivery_timeout: 5s, request_timeout: 2s, linger: 0ms}}\n"
                    + "http: {listen: 127.0.0.1:0, max_request_size: 64KiB, max_line_size: 4KiB}",
                "test"),
            Map.of(),
            "test");
    kafkaSettings = KafkaSettings.from(root.section("kafka"));
    httpSettings = HttpSettings.from(root.section("http"));
    root.finish();
    try (Admin admin =
        Admin.create(KafkaClients.admin(kafkaSettings, kafka.bootstrapServers(), "t"))) {
      new TopicProvisioner(admin, Duration.ofSeconds(20))
          .ensure(TopicProvisioner.specs(kafkaSettings, true), true);
    }
    publisher = new KafkaRecordPublisher(kafkaSettings, kafka.bootstrapServers(), registry);
    publisher.warmUp();
    workers = Executors.newFixedThreadPool(2);
    server = new HttpServer(httpSettings, registry);
    server.route(
        HttpMethod.POST,
        "/api/v1/ingest",
        new IngestEndpoint(
            publisher,
            new LenientRecordReader("dc-test"),
            httpSettings,
            workers,
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            registry));
    server.route(HttpMethod.GET, "/metrics", new MetricsEndpoint(registry));
    var addr = server.start();
    base = URI.create("http://127.0.0.1:" + addr.getPort());
  }

  @AfterAll
  static void stop() {
    server.close(Duration.ofSeconds(5));
    publisher.close(Duration.ofSeconds(5));
    workers.shutdownNow();
    kafka.close();
  }

  static HttpResponse<String> post(String body) throws Exception {
    return post(HttpRequest.BodyPublishers.ofString(body), Map.of());
  }

  static HttpResponse<String> post(HttpRequest.BodyPublisher body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
            .POST(body)
            .header("Content-Type", "application/x-ndjson");
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<LogRecord> appRecords() {
    return TestKafka.readAll(kafkaSettings, kafka.bootstrapServers(), "logs.app").stream()
        .map(r -> LogRecordJson.decode(r.value()))
        .collect(Collectors.toList());
  }

  @Test
  void aPartlyBadBatchDeliversTheGoodLinesAndNamesTheBadOnes() throws Exception {
    String body =
        "{\"app\":\"batch-a\",\"msg\":\"first\"}\n"
            + "{\"app\":\"batch-a\",\"msg\":\n"
            + "\n"
            + "{\"app\":\"batch-a\",\"msg\":\"third\",\"level\":\"warn\"}\r\n"
            + "{\"msg\":\"no source\"}\n"
            + "{\"app\":\"batch-a\",\"msg\":\"last, no newline\"}";
    HttpResponse<String> r = post(body);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode answer = json.readTree(r.body());
    assertThat(answer.get("accepted").asInt()).isEqualTo(3);
    assertThat(answer.get("rejected").asInt()).isEqualTo(2);
    assertThat(answer.get("failed").asInt()).isZero();
    assertThat(answer.get("errors")).hasSize(2);
    assertThat(answer.get("errors").get(0).get("line").asInt()).isEqualTo(2);
    assertThat(answer.get("errors").get(0).get("error").asText()).startsWith("not valid JSON");
    assertThat(answer.get("errors").get(1).get("line").asInt()).isEqualTo(5);
    assertThat(answer.get("errors").get(1).get("error").asText())
        .startsWith("cannot tell an app record from a component record");

    assertThat(appRecords().stream().filter(x -> "batch-a".equals(x.appName())))
        .extracting(LogRecord::message)
        .containsExactlyInAnyOrder("first", "third", "last, no newline");
    assertThat(appRecords().stream().filter(x -> "batch-a".equals(x.appName())))
        .allSatisfy(x -> assertThat(x.datacenter()).isEqualTo("dc-test"));

    List<String> dlq =
        TestKafka.readAll(kafkaSettings, kafka.bootstrapServers(), "logs.dlq").stream()
            .map(x -> new String(x.value(), StandardCharsets.UTF_8))
            .collect(Collectors.toList());
    assertThat(dlq)
        .anySatisfy(
            d ->
                assertThat(json.readTree(d).get("raw").asText())
                    .isEqualTo("{\"msg\":\"no source\"}"));
  }

  @Test
  void aBodyWithNoGoodLineIs400() throws Exception {
    HttpResponse<String> r = post("nope\n{\"app\":1}\n");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("rejected").asInt()).isEqualTo(2);
    HttpResponse<String> empty = post("\n\n");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(json.readTree(empty.body()).get("error").asText()).contains("no records");
  }

  @Test
  void aTooLargeBodyGets413AndNothingIsAccepted() throws Exception {
    String line = "{\"app\":\"big-batch\",\"msg\":\"" + "x".repeat(1000) + "\"}\n";
    String body = line.repeat(70); // ~72 KB > 64 KiB
    HttpResponse<String> r = post(body);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("http.max_request_size").contains("nothing was accepted");
    assertThat(appRecords()).noneMatch(x -> "big-batch".equals(x.appName()));
  }

  @Test
  void aTooLongLineIsRejectedAndTheOthersDelivered() throws Exception {
    String body =
        "{\"app\":\"long-line\",\"msg\":\""
            + "y".repeat(5000)
            + "\"}\n{\"app\":\"long-line\",\"msg\":\"ok\"}\n";
    HttpResponse<String> r = post(body);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode answer = json.readTree(r.body());
    assertThat(answer.get("errors").get(0).get("error").asText())
        .contains("longer than http.max_line_size");
    assertThat(appRecords().stream().filter(x -> "long-line".equals(x.appName())))
        .extracting(LogRecord::message)
        .containsExactly("ok");
  }

  @Test
  void gzipBodiesAreAccepted() throws Exception {
    String body =
        IntStream.range(0, 50)
            .mapToObj(i -> "{\"app\":\"gz\",\"msg\":\"line " + i + "\"}\n")
            .collect(Collectors.joining());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(body.getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<String> r =
        post(
            HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray()),
            Map.of("Content-Encoding", "gzip"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json.readTree(r.body()).get("accepted").asInt()).isEqualTo(50);
  }

  @Test
  void unknownPathsAndMethodsGetClearErrors() throws Exception {
    HttpResponse<String> nf =
        client.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/nope")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(nf.statusCode()).isEqualTo(404);
    HttpResponse<String> get =
        client.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/ingest")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.body()).contains("POST");
  }

  @Test
  void metricsCountRecordsInPrometheusText() throws Exception {
    post("{\"app\":\"metrics\",\"msg\":\"m\"}\n");
    String text =
        client
            .send(
                HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(text)
        .contains("logpipe_ingest_records_total{outcome=\"accepted\",source=\"http\"}")
        .contains("logpipe_ingest_bytes_total{source=\"http\"}")
        .contains("logpipe_kafka_send_latency_seconds_bucket");
  }
}
