package io.logpipe.kafka;

import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import io.logpipe.core.config.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code kafka} section of the configuration.
 *
 * @param bootstrapServers an external cluster; empty means: start the embedded broker
 * @param clientProperties extra properties for every Kafka client (security, SASL, TLS)
 * @param embedded the embedded broker, used when {@code bootstrapServers} is empty
 * @param producer how records are sent
 * @param topics the topics logpipe provisions and writes
 */
public record KafkaSettings(
    List<String> bootstrapServers,
    Map<String, String> clientProperties,
    Embedded embedded,
    Producer producer,
    Topics topics) {

  /** True when no external cluster is configured and the embedded broker runs. */
  public boolean useEmbedded() {
    return bootstrapServers.isEmpty();
  }

  /**
   * The embedded single-node broker.
   *
   * @param listen where clients connect
   * @param controllerListen the KRaft controller listener (same process)
   * @param dataDir where the broker keeps its log; null means {@code <data_dir>/kafka}
   */
  public record Embedded(HostPort listen, HostPort controllerListen, Path dataDir) {}

  /**
   * Producer settings. {@code acks=all} and idempotence are not settings: they are the contract.
   *
   * @param compression zstd, lz4, gzip, snappy or none
   * @param linger how long a batch waits for more records
   * @param batchSize the largest batch per partition
   * @param maxInFlight bytes sent but not yet acknowledged, above which intake pauses
   * @param deliveryTimeout how long a record may take to be acknowledged before it is reported
   *     failed
   * @param requestTimeout how long one request to a broker may take
   * @param maxRecordSize the largest record (also the topics' {@code max.message.bytes})
   */
  public record Producer(
      String compression,
      Duration linger,
      DataSize batchSize,
      DataSize maxInFlight,
      Duration deliveryTimeout,
      Duration requestTimeout,
      DataSize maxRecordSize) {}

  /**
   * Topic provisioning.
   *
   * @param provision create missing topics and align their settings; when false, only check that
   *     they exist
   * @param replicationFactor replicas per partition on an external cluster (the embedded broker has
   *     one)
   * @param minInsyncReplicas replicas that must have a record before it is acknowledged, on an
   *     external cluster
   * @param compression the topics' {@code compression.type}; {@code producer} keeps what producers
   *     send
   * @param app where app records go
   * @param component where component records go
   * @param dlq where input that cannot be parsed goes, with the reason
   */
  public record Topics(
      boolean provision,
      int replicationFactor,
      int minInsyncReplicas,
      String compression,
      Topic app,
      Topic component,
      Topic dlq) {

    /** All three topics. */
    public List<Topic> all() {
      return List.of(app, component, dlq);
    }
  }

  /**
   * One topic.
   *
   * @param name the topic name
   * @param partitions number of partitions
   * @param retention how long records are kept
   * @param retentionBytes the most bytes kept per partition; zero for no limit
   */
  public record Topic(String name, int partitions, Duration retention, DataSize retentionBytes) {}

  static final List<String> COMPRESSIONS = List.of("zstd", "lz4", "gzip", "snappy", "none");
  static final List<String> TOPIC_COMPRESSIONS =
      List.of("producer", "zstd", "lz4", "gzip", "snappy", "uncompressed");

  /** Reads the {@code kafka} section. */
  public static KafkaSettings from(ConfigNode kafka) {
    List<String> bootstrap = kafka.stringList("bootstrap_servers", List.of());
    Map<String, String> props = kafka.stringMap("client_properties");
    for (String k : props.keySet()) {
      if (k.equals("bootstrap.servers") || k.equals("acks") || k.equals("enable.idempotence")) {
        kafka.problem(
            "client_properties." + k,
            "set by logpipe"
                + (k.equals("bootstrap.servers")
                    ? "; use kafka.bootstrap_servers"
                    : " (acks=all with idempotence is the delivery contract)"));
      }
    }

    ConfigNode e = kafka.section("embedded");
    HostPort listen = e.hostPort("listen", new HostPort("127.0.0.1", 9092));
    HostPort controller = e.hostPort("controller_listen", new HostPort("127.0.0.1", 9093));
    String dir = e.string("data_dir", "");
    if (listen.port() != 0 && listen.port() == controller.port()) {
      e.problem("controller_listen", "must use another port than kafka.embedded.listen");
    }
    Embedded embedded = new Embedded(listen, controller, dir.isBlank() ? null : Path.of(dir));

    ConfigNode p = kafka.section("producer");
    Producer producer =
        new Producer(
            p.oneOf("compression", "lz4", COMPRESSIONS),
            p.duration("linger", Duration.ofMillis(5), Duration.ZERO, Duration.ofSeconds(10)),
            p.size(
                "batch_size",
                DataSize.ofKibibytes(256),
                DataSize.ofKibibytes(1),
                DataSize.ofMebibytes(64)),
            p.size(
                "max_in_flight",
                DataSize.ofMebibytes(32),
                DataSize.ofMebibytes(1),
                DataSize.ofGibibytes(4)),
            p.duration(
                "delivery_timeout",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofHours(1)),
            p.duration(
                "request_timeout",
                Duration.ofSeconds(10),
                Duration.ofMillis(500),
                Duration.ofMinutes(10)),
            p.size(
                "max_record_size",
                DataSize.ofMebibytes(1),
                DataSize.ofKibibytes(64),
                DataSize.ofMebibytes(64)));
    if (producer.deliveryTimeout().compareTo(producer.linger().plus(producer.requestTimeout()))
        < 0) {
      p.problem(
          "delivery_timeout",
          "must be at least linger + request_timeout ("
              + producer.linger().plus(producer.requestTimeout()).toMillis()
              + "ms)");
    }

    ConfigNode t = kafka.section("topics");
    boolean provision = t.bool("provision", true);
    int rf = t.integer("replication_factor", 3, 1, 32);
    int minIsr = t.integer("min_insync_replicas", 2, 1, 32);
    if (minIsr > rf) {
      t.problem("min_insync_replicas", minIsr + " is larger than replication_factor " + rf);
    }
    String topicCompression = t.oneOf("compression", "producer", TOPIC_COMPRESSIONS);
    Topic app = topic(t.section("app"), "logs.app", 6, Duration.ofDays(7));
    Topic component = topic(t.section("component"), "logs.component", 6, Duration.ofDays(7));
    Topic dlq = topic(t.section("dlq"), "logs.dlq", 1, Duration.ofDays(30));
    if (app.name().equals(component.name())
        || app.name().equals(dlq.name())
        || component.name().equals(dlq.name())) {
      t.problem("dlq", "the app, component and dlq topics must have different names");
    }
    return new KafkaSettings(
        bootstrap,
        props,
        embedded,
        producer,
        new Topics(provision, rf, minIsr, topicCompression, app, component, dlq));
  }

  private static Topic topic(ConfigNode n, String name, int partitions, Duration retention) {
    String topicName = n.string("name", name);
    if (!topicName.matches("[A-Za-z0-9._-]{1,249}")
        || topicName.equals(".")
        || topicName.equals("..")) {
      n.problem(
          "name", "\"" + topicName + "\" is not a valid Kafka topic name ([A-Za-z0-9._-], 1..249)");
      topicName = name;
    }
    return new Topic(
        topicName,
        n.integer("partitions", partitions, 1, 10_000),
        n.duration("retention", retention, Duration.ofMinutes(1), Duration.ofDays(3650)),
        n.size(
            "retention_bytes",
            DataSize.ofBytes(0),
            DataSize.ofBytes(0),
            DataSize.ofBytes(Long.MAX_VALUE)));
  }
}
