package io.logpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicProvisionerIT {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Admin admin;

  @BeforeAll
  static void start() {
    kafka = TestKafka.start(dir.resolve("kafka"));
    admin = Admin.create(KafkaClients.admin(TestKafka.settings(""), kafka.bootstrapServers(), "t"));
  }

  @AfterAll
  static void stop() {
    admin.close();
    kafka.close();
  }

  static KafkaSettings settings(String prefix, String extra) {
    return TestKafka.settings(
        "kafka: {topics: {app: {name: "
            + prefix
            + ".app, partitions: 4, retention: 3d}, component: {name: "
            + prefix
            + ".component}, dlq: {name: "
            + prefix
            + ".dlq}"
            + extra
            + "}}");
  }

  TopicProvisioner provisioner() {
    return new TopicProvisioner(admin, Duration.ofSeconds(20));
  }

  @Test
  void createsMissingTopicsAndIsIdempotent() throws Exception {
    KafkaSettings s = settings("fresh", "");
    provisioner().ensure(TopicProvisioner.specs(s, true), true);
    provisioner().ensure(TopicProvisioner.specs(s, true), true);
    // The broker learns of new topics from the controller a moment after creation.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(admin.listTopics().names().get())
                    .contains("fresh.app", "fresh.component", "fresh.dlq"));
    assertThat(
            admin
                .describeTopics(Set.of("fresh.app"))
                .allTopicNames()
                .get()
                .get("fresh.app")
                .partitions())
        .hasSize(4);
    var config =
        admin
            .describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "fresh.app")))
            .all()
            .get()
            .values()
            .iterator()
            .next();
    assertThat(config.get("retention.ms").value())
        .isEqualTo(Long.toString(Duration.ofDays(3).toMillis()));
    assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
  }

  @Test
  void alignsSafeSettingsOnExistingTopics() throws Exception {
    provisioner().ensure(TopicProvisioner.specs(settings("aligned", ""), true), true);
    KafkaSettings longer =
        TestKafka.settings(
            "kafka: {topics: {app: {name: aligned.app, partitions: 4, retention: 14d},"
                + " component: {name: aligned.component}, dlq: {name: aligned.dlq}}}");
    provisioner().ensure(TopicProvisioner.specs(longer, true), true);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var config =
                  admin
                      .describeConfigs(
                          List.of(new ConfigResource(ConfigResource.Type.TOPIC, "aligned.app")))
                      .all()
                      .get()
                      .values()
                      .iterator()
                      .next();
              assertThat(config.get("retention.ms").value())
                  .isEqualTo(Long.toString(Duration.ofDays(14).toMillis()));
            });
  }

  @Test
  void anIncompatibleExistingTopicIsAClearErrorListingEveryDifference() throws Exception {
    admin
        .createTopics(
            List.of(
                new NewTopic("clash.app", 2, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact"))))
        .all()
        .get();
    assertThatThrownBy(
            () -> provisioner().ensure(TopicProvisioner.specs(settings("clash", ""), true), true))
        .isInstanceOf(TopicProvisioner.TopicMismatchException.class)
        .hasMessageContaining(
            "kafka.topics.app.partitions: topic clash.app exists with 2 partitions, fewer than the configured 4")
        .hasMessageContaining("kafka.topics.app: topic clash.app has cleanup.policy=compact");
  }

  @Test
  void tooFewBrokersForTheReplicationFactorIsAClearError() {
    assertThatThrownBy(
            () ->
                provisioner()
                    .ensure(TopicProvisioner.specs(settings("replicated", ""), false), true))
        .isInstanceOf(TopicProvisioner.TopicMismatchException.class)
        .hasMessageContaining(
            "kafka.topics.replication_factor: topic replicated.app needs 3 replicas but the cluster has 1 broker");
  }

  @Test
  void withProvisioningOffMissingTopicsAreReportedNotCreated() throws Exception {
    assertThatThrownBy(
            () -> provisioner().ensure(TopicProvisioner.specs(settings("absent", ""), true), false))
        .isInstanceOf(TopicProvisioner.TopicMismatchException.class)
        .hasMessageContaining(
            "topic absent.app does not exist and kafka.topics.provision is false");
    assertThat(admin.listTopics().names().get()).doesNotContain("absent.app");
  }
}
