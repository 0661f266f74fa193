package io.logpipe.nozzle;

import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaRecordPublisher;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TestKafka;
import io.logpipe.kafka.TopicProvisioner;
import io.logpipe.nozzle.fake.FakeCloudController;
import io.logpipe.nozzle.fake.FakeUaa;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * For one test class: a real embedded broker with logpipe's topics and the metrics topic, a Kafka
 * publisher, a fake UAA and Cloud Controller; nozzles made on them from YAML, each with its own
 * meter registry.
 */
public final class NozzleTestBed implements AutoCloseable {
  public static final String METRICS_TOPIC = "cf.metrics";

  public final EmbeddedKafka kafka;
  public final KafkaSettings kafkaSettings;
  public final KafkaRecordPublisher publisher;
  public final FakeUaa uaa;
  public final FakeCloudController cc;
  private final List<Nozzle> nozzles = new ArrayList<>();

  public NozzleTestBed(Path dir) throws Exception {
    kafka = TestKafka.start(dir.resolve("kafka"));
    kafkaSettings = TestKafka.settings("kafka: {producer: {linger: 1ms}}");
    try (Admin admin =
        Admin.create(KafkaClients.admin(kafkaSettings, kafka.bootstrapServers(), "test-admin"))) {
      List<TopicProvisioner.TopicSpec> specs =
          new ArrayList<>(TopicProvisioner.specs(kafkaSettings, true));
      specs.add(
          TopicProvisioner.spec(
              kafkaSettings,
              true,
              "nozzle.metrics_topic",
              new KafkaSettings.Topic(
                  METRICS_TOPIC,
                  2,
                  Duration.ofDays(1),
                  io.logpipe.core.config.DataSize.ofBytes(0))));
      new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(specs, true);
    }
    publisher =
        new KafkaRecordPublisher(
            kafkaSettings, kafka.bootstrapServers(), new SimpleMeterRegistry());
    publisher.warmUp();
    uaa = new FakeUaa(Clock.systemUTC());
    cc = new FakeCloudController(uaa);
  }

  /**
   * Nozzle settings from YAML (a flow map), with this bed's UAA credentials and Cloud Controller.
   * One connection unless the YAML says otherwise, so that a test knows which stream gets what.
   */
  public NozzleSettings settings(String nozzleYaml) {
    return settings(nozzleYaml, uaa);
  }

  /** As above, with another UAA (one over HTTPS, say). */
  public NozzleSettings settings(String nozzleYaml, FakeUaa uaa) {
    String map =
        nozzleYaml.startsWith("{") && !nozzleYaml.contains("connections:")
            ? "{connections: 1, " + nozzleYaml.substring(1)
            : nozzleYaml;
    String yaml = "nozzle: " + map + "\n";
    ConfigNode root = ConfigNode.root(ConfigFiles.parse(yaml, "test"), env(uaa), "test");
    NozzleSettings s = NozzleSettings.from(root.section("nozzle"));
    root.finish();
    return s;
  }

  private static Map<String, String> env(FakeUaa uaa) {
    return Map.of(
        "LOGPIPE_NOZZLE_UAA_URL", uaa.url().toString(),
        "LOGPIPE_NOZZLE_UAA_CLIENT_ID", FakeUaa.CLIENT,
        "LOGPIPE_NOZZLE_UAA_CLIENT_SECRET", FakeUaa.SECRET);
  }

  /** A started nozzle; closed with the bed. */
  public Nozzle nozzle(NozzleSettings s, MeterRegistry registry, Clock clock) {
    Nozzle n =
        new Nozzle(
            s,
            "dc-test",
            publisher,
            (key, value, ts, cb) -> publisher.publishValue("logs.app", key, value, ts, cb),
            (key, value, ts, cb) -> publisher.publishValue(METRICS_TOPIC, key, value, ts, cb),
            registry,
            clock,
            null);
    nozzles.add(n);
    n.start();
    return n;
  }

  public List<ConsumerRecord<byte[], byte[]>> topic(String name) {
    return TestKafka.readAll(kafkaSettings, kafka.bootstrapServers(), name);
  }

  /** App records now in Kafka. */
  public List<LogRecord> appRecords() {
    return topic("logs.app").stream().map(r -> LogRecordJson.decode(r.value())).toList();
  }

  /** The values of a topic as text. */
  public List<String> values(String topicName) {
    return topic(topicName).stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .toList();
  }

  /** The sum of a counter (all tags matching), 0 if absent. */
  public static double count(MeterRegistry r, String name, String... tags) {
    return Search.in(r).name(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** Closes every nozzle made so far (after each test). */
  public void closeNozzles() {
    for (Nozzle n : nozzles) {
      n.close(Duration.ofSeconds(5));
    }
    nozzles.clear();
  }

  public void closeNozzle(Nozzle n) {
    n.close(Duration.ofSeconds(5));
    nozzles.remove(n);
  }

  @Override
  public void close() {
    for (Nozzle n : nozzles) {
      n.close(Duration.ofSeconds(5));
    }
    publisher.close(Duration.ofSeconds(5));
    cc.close();
    uaa.close();
    kafka.close();
  }
}
