package io.logpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.config.HostPort;
import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.ParseProblem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static final KafkaSettings settings =
      TestKafka.settings("kafka: {producer: {delivery_timeout: 4s, request_timeout: 2s}}");

  @BeforeAll
  static void start() {
    kafka = TestKafka.start(dir.resolve("kafka"));
    provision();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  static void provision() {
    provision(settings);
  }

  static void provision(KafkaSettings s) {
    try (Admin admin = Admin.create(KafkaClients.admin(s, kafka.bootstrapServers(), "t"))) {
      new TopicProvisioner(admin, Duration.ofSeconds(20))
          .ensure(TopicProvisioner.specs(s, true), true);
    }
  }

  static LogRecord appRecord(int i) {
    Instant t = Instant.parse("2026-11-26T10:00:00Z").plusMillis(i);
    return LogRecord.app()
        .time(t)
        .observedTime(t)
        .appId("6f3c5c2e-0000-4000-8000-00000000000" + (i % 3))
        .appName("shop")
        .message("line " + i)
        .build();
  }

  @Test
  void publishedRecordsAreReadableAndSurviveARestart() throws Exception {
    List<LogRecord> sent = new ArrayList<>();
    try (KafkaRecordPublisher pub =
        new KafkaRecordPublisher(settings, kafka.bootstrapServers(), new SimpleMeterRegistry())) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        LogRecord r = appRecord(i);
        sent.add(r);
        acks.add(pub.publish(r));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<byte[], byte[]>> read =
        TestKafka.readAll(settings, kafka.bootstrapServers(), "logs.app");
    assertThat(read).hasSize(100);
    assertThat(read)
        .allSatisfy(
            r ->
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(LogRecordJson.decode(r.value()).appId()));
    assertThat(read.stream().map(r -> LogRecordJson.decode(r.value())))
        .containsExactlyInAnyOrderElementsOf(sent);

    kafka = TestKafka.restart(kafka);
    provision(); // idempotent on existing topics

    assertThat(TestKafka.readAll(settings, kafka.bootstrapServers(), "logs.app"))
        .extracting(r -> LogRecordJson.decode(r.value()))
        .containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void aSendToAStoppedBrokerFailsToTheCallerAndIsCounted() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    KafkaSettings other =
        TestKafka.settings(
            "kafka: {producer: {delivery_timeout: 4s, request_timeout: 2s},"
                + " topics: {app: {name: stopped.app}, component: {name: stopped.component},"
                + " dlq: {name: stopped.dlq}}}");
    provision(other);
    try (KafkaRecordPublisher pub =
        new KafkaRecordPublisher(other, kafka.bootstrapServers(), registry)) {
      pub.warmUp();
      pub.publish(appRecord(0)).get(30, TimeUnit.SECONDS);
      kafka.close();
      try {
        // With Kafka down, publish must return at once (it runs on syslog event loops), also for
        // a topic not written to yet: a blocking send() would wait max.block.ms (2 s here).
        long start = System.nanoTime();
        CompletableFuture<Void> f = pub.publish(appRecord(1));
        CompletableFuture<Void> letter =
            pub.deadLetter(
                new DeadLetter(
                    Instant.parse("2026-11-26T10:00:00Z"),
                    "test",
                    ParseProblem.ofText("unparsable", "raw line"),
                    Map.of()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("stopped.app");
        assertThat(((PublishException) catchCause(f)).retriable()).isTrue();
        assertThatThrownBy(() -> letter.get(30, TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("stopped.dlq");
        assertThat(
                registry.find("logpipe.kafka.send.errors").counters().stream()
                    .mapToDouble(c -> c.count())
                    .sum())
            .isEqualTo(2.0);
        assertThat(pub.inFlightBytes()).isZero();
      } finally {
        kafka = EmbeddedKafka.start(kafka.dataDir(), kafka.listen(), kafka.controller(), Map.of());
      }
    }
  }

  private static Throwable catchCause(CompletableFuture<Void> f) {
    try {
      f.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aPortInUseGivesAClearError() {
    assertThatThrownBy(
            () ->
                EmbeddedKafka.start(
                    dir.resolve("other"), kafka.listen(), new HostPort("127.0.0.1", 0), Map.of()))
        .isInstanceOf(EmbeddedKafka.KafkaStartException.class)
        .hasMessageContaining(kafka.listen().toString())
        .hasMessageContaining("is in use");
  }
}
