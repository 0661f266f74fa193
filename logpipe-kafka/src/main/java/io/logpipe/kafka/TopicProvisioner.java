package io.logpipe.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates logpipe's topics at start-up, idempotently, and checks the ones that exist.
 *
 * <p>A missing topic is created with the configured partitions, replication and settings. On an
 * existing topic, settings that can change safely (retention, compression, {@code
 * min.insync.replicas}, the largest message) are aligned with the configuration and logged;
 * differences that logpipe must not paper over (fewer partitions than configured, fewer replicas, a
 * compacted topic) stop start-up with a {@link TopicMismatchException} that lists each one and says
 * what to do.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private final Admin admin;
  private final long timeoutMs;

  public TopicProvisioner(Admin admin, java.time.Duration timeout) {
    this.admin = admin;
    this.timeoutMs = timeout.toMillis();
  }

  /**
   * What one topic should look like.
   *
   * @param configKey the configuration key that names it, for messages
   */
  public record TopicSpec(
      String configKey,
      String name,
      int partitions,
      short replicationFactor,
      Map<String, String> configs) {}

  /** The specs for logpipe's topics from settings. */
  public static List<TopicSpec> specs(KafkaSettings s, boolean singleNode) {
    List<TopicSpec> out = new ArrayList<>();
    String[] keys = {"kafka.topics.app", "kafka.topics.component", "kafka.topics.dlq"};
    List<KafkaSettings.Topic> all = s.topics().all();
    for (int i = 0; i < all.size(); i++) {
      out.add(spec(s, singleNode, keys[i], all.get(i)));
    }
    return out;
  }

  /**
   * The spec of one more topic (such as the nozzle's metrics topic) with the same settings as
   * logpipe's own topics: replication, min ISR, compression, timestamps, record size.
   *
   * @param configKey the configuration key that names it, for messages
   */
  public static TopicSpec spec(
      KafkaSettings s, boolean singleNode, String configKey, KafkaSettings.Topic topic) {
    KafkaSettings.Topics t = s.topics();
    short rf = (short) (singleNode ? 1 : t.replicationFactor());
    int minIsr = singleNode ? 1 : t.minInsyncReplicas();
    Map<String, String> c = new LinkedHashMap<>();
    c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()));
    c.put(
        TopicConfig.RETENTION_BYTES_CONFIG,
        topic.retentionBytes().bytes() == 0 ? "-1" : Long.toString(topic.retentionBytes().bytes()));
    c.put(TopicConfig.COMPRESSION_TYPE_CONFIG, t.compression());
    c.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minIsr));
    c.put(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
    // The broker stamps each record when it appends it. Producers that set the timestamp from
    // the log line (rsyslog's omkafka does) would otherwise get whole batches rejected for one
    // line dated more than an hour ahead; the event time stays in the record.
    c.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    // Room for the largest record plus batch overhead.
    c.put(
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
        Long.toString(s.producer().maxRecordSize().bytes() + 64 * 1024));
    return new TopicSpec(configKey, topic.name(), topic.partitions(), rf, Map.copyOf(c));
  }

  /**
   * Creates missing topics and checks existing ones.
   *
   * @param create false to only check (for clusters where logpipe may not create topics)
   * @throws TopicMismatchException listing every incompatibility
   * @throws KafkaUnavailableException if the cluster does not answer in time
   */
  public void ensure(List<TopicSpec> specs, boolean create) {
    try {
      int brokers = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
      Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
      List<String> problems = new ArrayList<>();
      List<TopicSpec> missing = new ArrayList<>();
      List<TopicSpec> present = new ArrayList<>();
      for (TopicSpec s : specs) {
        (existing.contains(s.name()) ? present : missing).add(s);
      }
      for (TopicSpec s : missing) {
        if (!create) {
          problems.add(
              s.configKey()
                  + ": topic "
                  + s.name()
                  + " does not exist and kafka.topics.provision is false; create it or enable"
                  + " provisioning");
        } else if (s.replicationFactor() > brokers) {
          problems.add(
              "kafka.topics.replication_factor: topic "
                  + s.name()
                  + " needs "
                  + s.replicationFactor()
                  + " replicas but the cluster has "
                  + brokers
                  + (brokers == 1 ? " broker" : " brokers"));
        }
      }
      if (!problems.isEmpty()) {
        throw new TopicMismatchException(problems);
      }
      create(missing);
      problems.addAll(check(present, create));
      if (!problems.isEmpty()) {
        throw new TopicMismatchException(problems);
      }
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new KafkaUnavailableException(
          "Kafka did not answer topic provisioning within " + timeoutMs + " ms: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while provisioning topics", e);
    }
  }

  private void create(List<TopicSpec> missing)
      throws InterruptedException, ExecutionException, TimeoutException {
    for (TopicSpec s : missing) {
      NewTopic t =
          new NewTopic(s.name(), s.partitions(), s.replicationFactor()).configs(s.configs());
      try {
        admin.createTopics(List.of(t)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        log.info(
            "created topic {} ({} partitions, replication factor {}, retention {} ms)",
            s.name(),
            s.partitions(),
            s.replicationFactor(),
            s.configs().get(TopicConfig.RETENTION_MS_CONFIG));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Another instance created it at the same moment: fine, it is checked next start.
      }
    }
  }

  private List<String> check(List<TopicSpec> present, boolean align)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<String> problems = new ArrayList<>();
    if (present.isEmpty()) {
      return problems;
    }
    Map<String, TopicSpec> byName = new HashMap<>();
    List<ConfigResource> resources = new ArrayList<>();
    for (TopicSpec s : present) {
      byName.put(s.name(), s);
      resources.add(new ConfigResource(ConfigResource.Type.TOPIC, s.name()));
    }
    Map<String, TopicDescription> descriptions =
        admin.describeTopics(byName.keySet()).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources).all().get(timeoutMs, TimeUnit.MILLISECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> alterations = new HashMap<>();
    List<String> changes = new ArrayList<>();
    for (TopicSpec s : present) {
      TopicDescription d = descriptions.get(s.name());
      int partitions = d.partitions().size();
      if (partitions < s.partitions()) {
        problems.add(
            s.configKey()
                + ".partitions: topic "
                + s.name()
                + " exists with "
                + partitions
                + " partitions, fewer than the configured "
                + s.partitions()
                + "; set partitions to "
                + partitions
                + " or add partitions with kafka-topics --alter (keys then move to other"
                + " partitions)");
      }
      int replicas = d.partitions().get(0).replicas().size();
      if (replicas < s.replicationFactor()) {
        problems.add(
            "kafka.topics.replication_factor: topic "
                + s.name()
                + " exists with "
                + replicas
                + " replicas, fewer than the configured "
                + s.replicationFactor()
                + "; reassign its partitions or lower the setting");
      }
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, s.name());
      Config actual = configs.get(r);
      ConfigEntry cleanup = actual.get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (cleanup != null && !cleanup.value().contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
        problems.add(
            s.configKey()
                + ": topic "
                + s.name()
                + " has cleanup.policy="
                + cleanup.value()
                + "; a log topic needs cleanup.policy=delete (compaction would keep one record per"
                + " key)");
      }
      List<AlterConfigOp> ops = new ArrayList<>();
      for (Map.Entry<String, String> want : s.configs().entrySet()) {
        if (want.getKey().equals(TopicConfig.CLEANUP_POLICY_CONFIG)) {
          continue;
        }
        ConfigEntry have = actual.get(want.getKey());
        if (have == null || !want.getValue().equals(have.value())) {
          ops.add(
              new AlterConfigOp(
                  new ConfigEntry(want.getKey(), want.getValue()), AlterConfigOp.OpType.SET));
          changes.add(
              "topic "
                  + s.name()
                  + ": "
                  + want.getKey()
                  + " is "
                  + (have == null ? "unset" : have.value())
                  + ", configured "
                  + want.getValue());
        }
      }
      if (align && !ops.isEmpty()) {
        alterations.put(r, ops);
      }
    }
    if (problems.isEmpty()) {
      for (String c : changes) {
        log.info(
            "{}{}", c, align ? "; updating it" : "; leaving it (kafka.topics.provision is false)");
      }
      if (!alterations.isEmpty()) {
        admin.incrementalAlterConfigs(alterations).all().get(timeoutMs, TimeUnit.MILLISECONDS);
      }
    }
    return problems;
  }

  /** Existing topics that logpipe cannot use as configured; every difference is listed. */
  public static final class TopicMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public TopicMismatchException(List<String> problems) {
      super("Kafka topics do not match the configuration:\n  - " + String.join("\n  - ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }
}
