package io.logpipe.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.record.LenientRecordReader;
import io.logpipe.http.HttpServer;
import io.logpipe.http.HttpSettings;
import io.logpipe.http.IngestEndpoint;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaRecordPublisher;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TestKafka;
import io.logpipe.kafka.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest -> Kafka -> index -> query API, end to end on a real embedded broker. */
class IndexApiIT {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static KafkaSettings kafkaSettings;
  static HttpSettings httpSettings;
  static IndexSettings indexSettings;
  static KafkaRecordPublisher publisher;
  static ExecutorService workers;
  static Node node;
  static final HttpClient client = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static final List<String> TOPICS = List.of("logs.app", "logs.component");

  /** An index role behind its own HTTP server (routes are fixed once a server runs). */
  record Node(IndexRole role, HttpServer server, URI base, SimpleMeterRegistry registry) {
    void close() {
      server.close(Duration.ofSeconds(5));
      role.close(Duration.ofSeconds(10));
    }
  }

  static Node startNode(IndexSettings s) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    IndexRole role =
        IndexRole.start(
            s,
            dir.resolve("index"),
            kafkaSettings,
            kafka.bootstrapServers(),
            TOPICS,
            registry,
            Clock.systemUTC());
    HttpServer server = new HttpServer(httpSettings, registry);
    server.route(
        HttpMethod.POST,
        "/api/v1/ingest",
        new IngestEndpoint(
            publisher,
            new LenientRecordReader(null),
            httpSettings,
            workers,
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            registry));
    server.mount(role.api());
    var addr = server.start();
    return new Node(role, server, URI.create("http://127.0.0.1:" + addr.getPort()), registry);
  }

  @BeforeAll
  static void start() {
    kafka = TestKafka.start(dir.resolve("kafka"));
    ConfigNode root =
        ConfigNode.root(
            ConfigFiles.parse(
                "kafka: {producer: {delivery_timeout: 5s, request_timeout: 2s, linger: 0ms},"
                    + " topics: {app: {partitions: 3}, component: {partitions: 2}}}\n"
                    + "http: {listen: 127.0.0.1:0}\n"
                    + "index: {refresh_interval: 100ms, commit_interval: 1s, tail: {heartbeat: 500ms}}",
                "test"),
            Map.of(),
            "test");
    kafkaSettings = KafkaSettings.from(root.section("kafka"));
    httpSettings = HttpSettings.from(root.section("http"));
    indexSettings = IndexSettings.from(root.section("index"));
    root.finish();
    try (Admin admin =
        Admin.create(KafkaClients.admin(kafkaSettings, kafka.bootstrapServers(), "t"))) {
      new TopicProvisioner(admin, Duration.ofSeconds(20))
          .ensure(TopicProvisioner.specs(kafkaSettings, true), true);
    }
    publisher =
        new KafkaRecordPublisher(
            kafkaSettings, kafka.bootstrapServers(), new SimpleMeterRegistry());
    publisher.warmUp();
    workers = Executors.newFixedThreadPool(2);
    node = startNode(indexSettings);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    publisher.close(Duration.ofSeconds(5));
    workers.shutdownNow();
    kafka.close();
  }

  static void ingest(URI base, String ndjson) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static String query(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static HttpResponse<String> get(URI base, String path, Map<String, String> params)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(base.resolve(path + "?" + query(params))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode search(Map<String, String> params) throws Exception {
    HttpResponse<String> r = get(node.base(), "/api/v1/search", params);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  static List<String> messages(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("records").forEach(r -> out.add(r.get("message").asText()));
    return out;
  }

  /** Every message of a search, page by page. */
  static List<String> allMessages(URI base, Map<String, String> params) throws Exception {
    List<String> out = new ArrayList<>();
    String cursor = null;
    do {
      Map<String, String> p = new java.util.HashMap<>(params);
      if (cursor != null) {
        p.put("cursor", cursor);
      }
      HttpResponse<String> r = get(base, "/api/v1/search", p);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode page = json.readTree(r.body());
      out.addAll(messages(page));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    return out;
  }

  @Test
  void ingestedLinesAreSearchableByFieldsWordsPhrasesAndIdentifiers() throws Exception {
    String t0 = "2026-11-26T10:00:0";
    ingest(
        node.base(),
        String.join(
            "\n",
            "{\"app\":\"shop-api\",\"org_name\":\"shop\",\"space_name\":\"prod\",\"time\":\""
                + t0
                + "1Z\",\"msg\":\"GET /cart 200 12ms from 10.0.0.7:8080\"}",
            "{\"app\":\"shop-api\",\"org_name\":\"shop\",\"time\":\""
                + t0
                + "2Z\",\"level\":\"error\",\"stream\":\"err\",\"msg\":\"java.lang.NullPointerException:"
                + " cart was null\"}",
            "{\"app\":\"shop-api\",\"org_name\":\"shop\",\"time\":\""
                + t0
                + "3Z\",\"msg\":\"dial tcp: connection refused (request"
                + " 6f3c5c2e-8d4b-4c1a-9a51-0b5e6f7d8e90)\"}",
            "{\"app\":\"billing\",\"org_name\":\"finance\",\"time\":\""
                + t0
                + "4Z\",\"msg\":\"refused connection to ledger\"}",
            "{\"host\":\"router-1\",\"program\":\"gorouter\",\"time\":\""
                + t0
                + "5Z\",\"level\":\"warn\",\"msg\":\"backend 10.0.0.7 slow\"}"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> search(Map.of("q", "cart OR refused OR backend")).get("records").size() == 5);

    assertThat(messages(search(Map.of("app", "shop-api", "order", "oldest"))))
        .containsExactly(
            "GET /cart 200 12ms from 10.0.0.7:8080",
            "java.lang.NullPointerException: cart was null",
            "dial tcp: connection refused (request 6f3c5c2e-8d4b-4c1a-9a51-0b5e6f7d8e90)");
    assertThat(messages(search(Map.of("q", "NullPointerException"))))
        .containsExactly("java.lang.NullPointerException: cart was null");
    assertThat(messages(search(Map.of("q", "java.lang.NullPointerException")))).hasSize(1);
    assertThat(messages(search(Map.of("q", "10.0.0.7", "order", "oldest"))))
        .containsExactly("GET /cart 200 12ms from 10.0.0.7:8080", "backend 10.0.0.7 slow");
    assertThat(messages(search(Map.of("q", "10.0.0.70")))).isEmpty();
    assertThat(messages(search(Map.of("q", "6f3c5c2e-8d4b-4c1a-9a51-0b5e6f7d8e90")))).hasSize(1);
    assertThat(messages(search(Map.of("q", "\"connection refused\""))))
        .containsExactly(
            "dial tcp: connection refused (request 6f3c5c2e-8d4b-4c1a-9a51-0b5e6f7d8e90)");
    assertThat(messages(search(Map.of("q", "connection refused")))).hasSize(2);
    assertThat(messages(search(Map.of("q", "refused NOT app:billing")))).hasSize(1);
    assertThat(messages(search(Map.of("q", "level:error")))).hasSize(1);
    assertThat(messages(search(Map.of("severity", "err,warning")))).hasSize(2);
    assertThat(messages(search(Map.of("org", "finance"))))
        .containsExactly("refused connection to ledger");
    assertThat(messages(search(Map.of("host", "router-1", "kind", "component")))).hasSize(1);
    assertThat(messages(search(Map.of("stream", "err")))).hasSize(1);
    assertThat(
            messages(
                search(
                    Map.of(
                        "app", "shop-api",
                        "from", "2026-11-26T10:00:02Z",
                        "to", "2026-11-26T10:00:03Z"))))
        .containsExactly("java.lang.NullPointerException: cart was null");
    assertThat(messages(search(Map.of("q", "conn*", "order", "oldest")))).hasSize(2);
  }

  @Test
  void pagesWalkEveryRecordOnceInBothOrders() throws Exception {
    String lines =
        IntStream.range(0, 25)
            .mapToObj(
                i ->
                    "{\"app\":\"pager\",\"time\":\"2026-11-25T08:00:"
                        + String.format("%02d", i / 3)
                        + "Z\",\"msg\":\"page line "
                        + i
                        + "\"}")
            .collect(Collectors.joining("\n"));
    ingest(node.base(), lines);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> search(Map.of("app", "pager", "limit", "100")).get("records").size() == 25);
    List<String> newest = allMessages(node.base(), Map.of("app", "pager", "limit", "4"));
    List<String> oldest =
        allMessages(node.base(), Map.of("app", "pager", "limit", "7", "order", "oldest"));
    assertThat(newest).hasSize(25);
    assertThat(new HashSet<>(newest)).hasSize(25);
    assertThat(oldest).hasSize(25);
    assertThat(new HashSet<>(oldest)).isEqualTo(new HashSet<>(newest));
    assertThat(oldest.get(0)).isIn("page line 0", "page line 1", "page line 2");
  }

  @Test
  void badQueriesGet400WithTheParameterAndPosition() throws Exception {
    HttpResponse<String> r = get(node.base(), "/api/v1/search", Map.of("q", "timeout AND"));
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("parameter").asText()).isEqualTo("q");
    assertThat(body.get("position").asInt()).isEqualTo(8);
    assertThat(body.get("error").asText()).contains("AND at position 8");

    r = get(node.base(), "/api/v1/search", Map.of("q", "error (db OR \"cache"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("position").asInt()).isEqualTo(13);

    r = get(node.base(), "/api/v1/search", Map.of("q", "hostname:web-1"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText())
        .startsWith("unknown field 'hostname' at position 0; fields are app, org, space, host");

    r = get(node.base(), "/api/v1/search", Map.of("limit", "100000"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("parameter").asText()).isEqualTo("limit");

    r = get(node.base(), "/api/v1/search", Map.of("apps", "x"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText()).contains("unknown parameter 'apps'");

    r = get(node.base(), "/api/v1/search", Map.of("severity", "loud"));
    assertThat(r.statusCode()).isEqualTo(400);

    r = get(node.base(), "/api/v1/search", Map.of("cursor", "garbage"));
    assertThat(r.statusCode()).isEqualTo(400);

    r = get(node.base(), "/api/v1/tail", Map.of("q", "(oops"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("position").asInt()).isEqualTo(0);
  }

  @Test
  void histogramCountsMatchingRecordsPerBucket() throws Exception {
    String lines =
        IntStream.range(0, 12)
            .mapToObj(
                i ->
                    "{\"app\":\"histo\",\"time\":\"2026-11-24T07:0"
                        + (i / 4)
                        + ":30Z\",\"msg\":\"tick "
                        + i
                        + "\"}")
            .collect(Collectors.joining("\n"));
    ingest(node.base(), lines);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> search(Map.of("app", "histo", "limit", "100")).get("records").size() == 12);
    HttpResponse<String> r =
        get(
            node.base(),
            "/api/v1/histogram",
            Map.of(
                "app", "histo",
                "from", "2026-11-24T07:00:00Z",
                "to", "2026-11-24T07:05:00Z",
                "interval", "1m"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode h = json.readTree(r.body());
    assertThat(h.get("total").asLong()).isEqualTo(12);
    List<Long> counts = new ArrayList<>();
    h.get("buckets").forEach(b -> counts.add(b.get("count").asLong()));
    assertThat(counts).containsExactly(4L, 4L, 4L, 0L, 0L);
    assertThat(h.get("buckets").get(1).get("time").asText()).isEqualTo("2026-11-24T07:01:00Z");
  }

  @Test
  void tailSendsMatchingRecordsAndResumesFromTheLastEventId() throws Exception {
    URI tail =
        node.base()
            .resolve(
                "/api/v1/tail?app=tailer&q="
                    + URLEncoder.encode("NOT skip", StandardCharsets.UTF_8));
    String lastId;
    try (SseClient sse = new SseClient(client, tail, null)) {
      assertThat(sse.status).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> sse.lastId != null);
      ingest(
          node.base(),
          "{\"app\":\"tailer\",\"msg\":\"one\"}\n{\"app\":\"other\",\"msg\":\"not mine\"}\n"
              + "{\"app\":\"tailer\",\"msg\":\"skip me\"}\n{\"app\":\"tailer\",\"msg\":\"two\"}");
      List<SseClient.Event> got = sse.take(2, Duration.ofSeconds(15));
      assertThat(got)
          .extracting(e -> json.readTree(e.data()).get("message").asText())
          .containsExactly("one", "two");
      lastId = got.get(1).id();
    }
    // Disconnected: these arrive meanwhile.
    ingest(
        node.base(),
        "{\"app\":\"tailer\",\"msg\":\"three\"}\n{\"app\":\"tailer\",\"msg\":\"four\"}");
    try (SseClient sse = new SseClient(client, tail, lastId)) {
      List<SseClient.Event> got = sse.take(2, Duration.ofSeconds(15));
      assertThat(got)
          .extracting(e -> json.readTree(e.data()).get("message").asText())
          .containsExactly("three", "four");
      assertThat(sse.drain(Duration.ofSeconds(1))).isEmpty();
    }
  }

  @Test
  void aSearchsTailCursorContinuesWithoutGapOrRepeat() throws Exception {
    ingest(
        node.base(),
        "{\"app\":\"handover\",\"msg\":\"before 1\"}\n{\"app\":\"handover\",\"msg\":\"before 2\"}");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> search(Map.of("app", "handover")).get("records").size() == 2);
    String cursor = search(Map.of("app", "handover")).get("tail_cursor").asText();
    ingest(node.base(), "{\"app\":\"handover\",\"msg\":\"after\"}");
    URI tail =
        node.base()
            .resolve(
                "/api/v1/tail?app=handover&cursor="
                    + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    try (SseClient sse = new SseClient(client, tail, null)) {
      List<SseClient.Event> got = sse.take(1, Duration.ofSeconds(15));
      assertThat(json.readTree(got.get(0).data()).get("message").asText()).isEqualTo("after");
      assertThat(sse.drain(Duration.ofSeconds(1))).isEmpty();
    }
  }

  @Test
  void restartAndCrashResumeFromTheIndexsOffsetsWithoutDuplicates() throws Exception {
    String app = "restarter";
    ingest(node.base(), lines(app, 0, 40));
    await().atMost(Duration.ofSeconds(20)).until(() -> count(node.base(), app) == 40);

    // A clean stop: records that arrive while the index is down are read after the restart.
    URI ingestOnly = node.base();
    node.role().close(Duration.ofSeconds(10));
    node.server().close(Duration.ofSeconds(5));
    node = startNode(indexSettings);
    ingest(node.base(), lines(app, 40, 60));
    await().atMost(Duration.ofSeconds(30)).until(() -> count(node.base(), app) == 60);
    assertThat(ingestOnly).isNotNull();

    // A crash after records became searchable but before the index committed them.
    node.close();
    IndexSettings rarely = indexSettings.withCommitInterval(Duration.ofHours(1));
    Node crashing = startNode(rarely);
    ingest(crashing.base(), lines(app, 60, 90));
    await().atMost(Duration.ofSeconds(30)).until(() -> count(crashing.base(), app) == 90);
    crashing.server().close(Duration.ofSeconds(5));
    crashing.role().crash();

    node = startNode(indexSettings);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(node.base(), app) >= 90);
    List<String> all = allMessages(node.base(), Map.of("app", app, "limit", "1000"));
    assertThat(all).hasSize(90);
    assertThat(new HashSet<>(all)).hasSize(90);
  }

  @Test
  void whatIsNotARecordIsCountedAndPassedOver() throws Exception {
    Map<String, Object> props =
        KafkaClients.producer(kafkaSettings, kafka.bootstrapServers(), "garbage");
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      p.send(new ProducerRecord<>("logs.app", "not a record".getBytes(StandardCharsets.UTF_8)))
          .get();
      p.send(new ProducerRecord<>("logs.app", null)).get();
    }
    ingest(node.base(), "{\"app\":\"after-garbage\",\"msg\":\"still indexed\"}");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> search(Map.of("app", "after-garbage")).get("records").size() == 1);
    assertThat(
            node.registry()
                .get("logpipe.index.records")
                .tag("outcome", "invalid")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(2);
  }

  static String lines(String app, int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(
            i -> "{\"app\":\"" + app + "\",\"msg\":\"line " + i + " at " + Instant.now() + "\"}")
        .collect(Collectors.joining("\n"));
  }

  static int count(URI base, String app) throws Exception {
    HttpResponse<String> r = get(base, "/api/v1/search", Map.of("app", app, "limit", "1000"));
    return r.statusCode() == 200 ? json.readTree(r.body()).get("records").size() : -1;
  }
}
