package io.logpipe.kafka;

import io.logpipe.core.config.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one process) running inside this JVM,
 * for {@code logpipe up} and for tests. It is a real broker: ordinary clients (kcat, the console
 * consumer) can use it, and its data survives restarts on the same directory.
 *
 * <p>Lifecycle: {@link #start} formats the directory on first use only (a {@code meta.properties}
 * file marks a formatted directory) and starts the broker; {@link #close} stops it and waits. Not
 * reusable after close. The durability guarantee is that of one node: no replication, a disk loss
 * loses the data.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final HostPort listen;
  private final HostPort controller;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server,
      String bootstrapServers,
      Path dataDir,
      HostPort listen,
      HostPort controller) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.listen = listen;
    this.controller = controller;
  }

  /**
   * Starts a broker.
   *
   * @param dataDir where the broker keeps its log (created if missing)
   * @param listen the client listener; port 0 picks a free port
   * @param controller the controller listener; port 0 picks a free port
   * @param overrides extra broker properties (tests use them; the product does not)
   * @throws KafkaStartException with a clear reason (port in use, directory not writable)
   */
  public static EmbeddedKafka start(
      Path dataDir, HostPort listen, HostPort controller, Map<String, String> overrides) {
    HostPort l = listen.port() == 0 ? new HostPort(listen.host(), freePort(listen.host())) : listen;
    HostPort c =
        controller.port() == 0
            ? new HostPort(controller.host(), freePort(controller.host()))
            : controller;
    requireFree(l, "kafka.embedded.listen");
    requireFree(c, "kafka.embedded.controller_listen");
    Path logDir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new KafkaStartException("cannot create Kafka data directory " + logDir + ": " + e, e);
    }
    Map<String, String> props = brokerProperties(logDir, l, c);
    props.putAll(overrides);
    KafkaConfig config = new KafkaConfig(props, false);
    long started = System.nanoTime();
    boolean formatted = Files.exists(logDir.resolve("meta.properties"));
    if (!formatted) {
      format(logDir, c);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new KafkaStartException("embedded Kafka broker failed to start: " + e.getMessage(), e);
    }
    String bootstrap = l.toString();
    log.info(
        "embedded Kafka broker up on {} in {} ms ({} data in {}); single node: no replication",
        bootstrap,
        (System.nanoTime() - started) / 1_000_000,
        formatted ? "existing" : "new",
        logDir);
    return new EmbeddedKafka(server, bootstrap, logDir, l, c);
  }

  static Map<String, String> brokerProperties(Path logDir, HostPort l, HostPort c) {
    Map<String, String> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + c);
    p.put("listeners", "PLAINTEXT://" + l + ",CONTROLLER://" + c);
    p.put("advertised.listeners", "PLAINTEXT://" + l);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("unclean.leader.election.enable", "false");
    // Topics are provisioned explicitly; a typo in a client must not create one.
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  private static void format(Path logDir, HostPort controller) {
    String clusterId = Uuid.randomUuid().toString();
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new KafkaStartException("cannot format Kafka data directory " + logDir + ": " + e, e);
    }
    log.info("formatted new Kafka data directory {} (cluster id {})", logDir, clusterId);
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new KafkaStartException("cannot find a free port on " + host + ": " + e, e);
    }
  }

  private static void requireFree(HostPort hp, String key) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(hp.host(), hp.port()));
    } catch (IOException e) {
      throw new KafkaStartException(
          "cannot start the embedded Kafka broker: "
              + hp
              + " ("
              + key
              + ") is in use or not bindable ("
              + e.getMessage()
              + "). Is another logpipe or Kafka running? Stop it, choose another port, or set"
              + " kafka.bootstrap_servers to use an existing cluster.",
          e);
    }
  }

  /** The address clients use, such as {@code 127.0.0.1:9092}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The client listener. */
  public HostPort listen() {
    return listen;
  }

  /** The controller listener. */
  public HostPort controller() {
    return controller;
  }

  /** The broker's data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits until it has stopped. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long t0 = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    log.info("embedded Kafka broker stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  /** The embedded broker could not start; the message says why and what to do. */
  public static final class KafkaStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaStartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
