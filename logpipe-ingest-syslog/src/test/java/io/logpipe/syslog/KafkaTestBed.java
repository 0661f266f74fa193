package io.logpipe.syslog;

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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One real embedded broker with logpipe's topics and a publisher, for one test class; syslog
 * servers made on it with settings from YAML, each with its own meter registry.
 */
final class KafkaTestBed implements AutoCloseable {
  EmbeddedKafka kafka;
  private boolean brokerUp = true;
  final KafkaSettings kafkaSettings;
  final KafkaRecordPublisher publisher;
  final List<SyslogServer> servers = new ArrayList<>();

  /**
   * @param kafkaYaml the {@code kafka} section, such as {@code {producer: {linger: 0ms}}}
   */
  KafkaTestBed(Path dir, String kafkaYaml) {
    kafka = TestKafka.start(dir.resolve("kafka"));
    kafkaSettings = TestKafka.settings("kafka: " + kafkaYaml);
    try (Admin admin =
        Admin.create(KafkaClients.admin(kafkaSettings, kafka.bootstrapServers(), "test-admin"))) {
      new TopicProvisioner(admin, Duration.ofSeconds(30))
          .ensure(TopicProvisioner.specs(kafkaSettings, true), true);
    }
    publisher =
        new KafkaRecordPublisher(
            kafkaSettings, kafka.bootstrapServers(), new SimpleMeterRegistry());
    publisher.warmUp();
  }

  static SyslogSettings settings(String syslogYaml) {
    ConfigNode root =
        ConfigNode.root(ConfigFiles.parse("syslog: " + syslogYaml, "test"), Map.of(), "test");
    SyslogSettings s = SyslogSettings.from(root.section("syslog"));
    root.finish();
    return s;
  }

  /** A started server; closed with the test bed. */
  SyslogServer server(String syslogYaml, MeterRegistry registry) {
    SyslogServer s =
        new SyslogServer(settings(syslogYaml), "dc-test", publisher, registry, Clock.systemUTC());
    servers.add(s);
    s.start();
    return s;
  }

  List<ConsumerRecord<byte[], byte[]>> componentTopic() {
    return TestKafka.readAll(kafkaSettings, kafka.bootstrapServers(), "logs.component");
  }

  /** Records now in the component topic whose message passes the filter. */
  List<LogRecord> components(Predicate<LogRecord> filter) {
    return componentTopic().stream()
        .map(r -> LogRecordJson.decode(r.value()))
        .filter(filter)
        .toList();
  }

  /** Starts the broker again if a test stopped it (tests may run in any order). */
  void ensureBroker() {
    if (!brokerUp) {
      restartBroker();
    }
  }

  void stopBroker() {
    kafka.close();
    brokerUp = false;
  }

  void restartBroker() {
    kafka = EmbeddedKafka.start(kafka.dataDir(), kafka.listen(), kafka.controller(), Map.of());
    brokerUp = true;
  }

  @Override
  public void close() {
    for (SyslogServer s : servers) {
      s.close(Duration.ofSeconds(5));
    }
    publisher.close(Duration.ofSeconds(5));
    kafka.close();
  }
}
