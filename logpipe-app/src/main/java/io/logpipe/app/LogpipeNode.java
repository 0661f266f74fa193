package io.logpipe.app;

import io.logpipe.archive.ArchiveSettings;
import io.logpipe.archive.ArchiveStores;
import io.logpipe.archive.ArchiverGroup;
import io.logpipe.archive.store.ObjectStore;
import io.logpipe.core.record.LenientRecordReader;
import io.logpipe.http.HealthEndpoint;
import io.logpipe.http.HttpServer;
import io.logpipe.http.IngestEndpoint;
import io.logpipe.http.MetricsEndpoint;
import io.logpipe.index.IndexRole;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaHealth;
import io.logpipe.kafka.KafkaRecordPublisher;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TopicProvisioner;
import io.logpipe.nozzle.Nozzle;
import io.logpipe.nozzle.NozzleSettings;
import io.logpipe.syslog.SyslogServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running logpipe process: the embedded broker (when no cluster is configured), the topics, the
 * publisher, the HTTP server and the chosen roles.
 *
 * <p>Start order: (1) metrics, (2) embedded broker if configured, (3) topics (with the nozzle's
 * metrics topic when it is used), (4) publisher, (5) syslog listeners (role ingest-syslog), (6)
 * archiver (role archive), (7) the index and its reader (role index), (8) the nozzle (role nozzle),
 * (9) HTTP server with the roles' endpoints (ingest, the query API). {@link #close()} runs in
 * reverse: stop intake (the HTTP server stops accepting, ends live-tail streams and finishes
 * requests in progress; the nozzle closes its streams and publishes what it queued; the syslog
 * listeners stop reading and wait for their records in flight), commit the index, store what the
 * archiver has buffered and commit it, flush and close the publisher, then the admin client and the
 * broker. If start fails half-way, what did start is closed again.
 */
public final class LogpipeNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogpipeNode.class);

  private final LogpipeConfig config;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final PrometheusMeterRegistry registry;
  private EmbeddedKafka embedded;
  private String bootstrapServers;
  private HttpServer http;
  private InetSocketAddress httpAddress;
  private SyslogServer.Addresses syslogAddresses;
  private Nozzle nozzle;
  private ArchiverGroup archiver;

  private LogpipeNode(LogpipeConfig config) {
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Starts a node.
   *
   * @param roles what it does
   * @throws RuntimeException with a clear message if a part cannot start; parts already started are
   *     stopped again
   */
  public static LogpipeNode start(LogpipeConfig config, Set<Role> roles) {
    LogpipeNode node = new LogpipeNode(config);
    try {
      node.startParts(roles);
      return node;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private void startParts(Set<Role> roles) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    started.push(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    if (config.kafka().useEmbedded()) {
      embedded =
          EmbeddedKafka.start(
              config.embeddedKafkaDir(),
              config.kafka().embedded().listen(),
              config.kafka().embedded().controllerListen(),
              Map.of());
      started.push(embedded);
      bootstrapServers = embedded.bootstrapServers();
    } else {
      bootstrapServers = String.join(",", config.kafka().bootstrapServers());
    }

    Admin admin =
        Admin.create(KafkaClients.admin(config.kafka(), bootstrapServers, "logpipe-admin"));
    started.push(admin);
    boolean runNozzle = roles.contains(Role.NOZZLE) && config.nozzle().configured();
    List<TopicProvisioner.TopicSpec> topics =
        new ArrayList<>(TopicProvisioner.specs(config.kafka(), embedded != null));
    if (runNozzle && config.nozzle().wantsMetrics()) {
      topics.add(metricsTopic(config, embedded != null));
    }
    new TopicProvisioner(admin, Duration.ofSeconds(60))
        .ensure(topics, config.kafka().topics().provision());

    KafkaRecordPublisher publisher =
        new KafkaRecordPublisher(config.kafka(), bootstrapServers, registry);
    started.push(() -> publisher.close(config.shutdownGrace()));
    publisher.warmUp();

    ExecutorService workers = workers(config.http().workerThreads());
    started.push(
        () -> {
          workers.shutdown();
          workers.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        });

    if (roles.contains(Role.INGEST_SYSLOG)) {
      // After the publisher, so that its close (stop reading, wait for records in flight) runs
      // before the publisher's flush.
      SyslogServer syslog =
          new SyslogServer(
              config.syslog(), config.datacenter(), publisher, registry, Clock.systemUTC());
      syslogAddresses = syslog.start(); // cleans up after itself if it fails
      started.push(() -> syslog.close(config.shutdownGrace()));
    }

    if (roles.contains(Role.ARCHIVE)) {
      startArchive();
    }

    IndexRole index = null;
    if (roles.contains(Role.INDEX)) {
      index =
          IndexRole.start(
              config.index(),
              config.indexDir(),
              config.kafka(),
              bootstrapServers,
              List.of(
                  config.kafka().topics().app().name(), config.kafka().topics().component().name()),
              registry,
              Clock.systemUTC());
      IndexRole role = index;
      started.push(() -> role.close(config.shutdownGrace()));
    }

    if (runNozzle) {
      startNozzle(publisher);
    }

    KafkaHealth health =
        new KafkaHealth(admin, Duration.ofSeconds(3), Duration.ofSeconds(1), Clock.systemUTC());
    http = new HttpServer(config.http(), registry);
    http.route(HttpMethod.GET, "/healthz", new HealthEndpoint(checks(health), workers));
    http.route(HttpMethod.GET, "/metrics", new MetricsEndpoint(registry));
    if (roles.contains(Role.INGEST_HTTP)) {
      http.route(
          HttpMethod.POST,
          "/api/v1/ingest",
          new IngestEndpoint(
              publisher,
              new LenientRecordReader(config.datacenter()),
              config.http(),
              workers,
              Clock.systemUTC(),
              config.kafka().producer().deliveryTimeout(),
              registry));
    }
    if (index != null) {
      http.mount(index.api());
    }
    httpAddress = http.start();
    started.push(() -> http.close(config.shutdownGrace()));
    log.info(
        "logpipe up: roles {}, Kafka {}{}, HTTP http://{}:{}{}{}",
        roles.stream().map(Role::id).toList(),
        bootstrapServers,
        embedded != null ? " (embedded, data in " + embedded.dataDir() + ")" : "",
        httpAddress.getHostString(),
        httpAddress.getPort(),
        syslogAddresses == null ? "" : ", syslog " + describe(syslogAddresses),
        nozzle == null
            ? ""
            : ", nozzle " + config.nozzle().api().id() + " " + config.nozzle().url());
  }

  private static TopicProvisioner.TopicSpec metricsTopic(LogpipeConfig config, boolean singleNode) {
    NozzleSettings.MetricsTopic t = config.nozzle().metricsTopic();
    return TopicProvisioner.spec(
        config.kafka(),
        singleNode,
        "nozzle.metrics_topic",
        new KafkaSettings.Topic(
            t.name(), t.partitions(), t.retention(), io.logpipe.core.config.DataSize.ofBytes(0)));
  }

  /**
   * The nozzle's readers encode records themselves; its publishing thread hands the bytes to this
   * node's producer (so the in-flight bound covers them), dead-letters what Kafka refuses for good
   * and counts the rest of the failures as dropped: the firehose cannot be paused, so records are
   * not held back for retries.
   */
  private void startNozzle(KafkaRecordPublisher publisher) {
    String appTopic = config.kafka().topics().app().name();
    String metricsTopic = config.nozzle().metricsTopic().name();
    Nozzle n =
        new Nozzle(
            config.nozzle(),
            config.datacenter(),
            publisher,
            (key, value, ts, callback) ->
                publisher.publishValue(appTopic, key, value, ts, callback),
            (key, value, ts, callback) ->
                publisher.publishValue(metricsTopic, key, value, ts, callback),
            registry,
            Clock.systemUTC(),
            null);
    n.start();
    nozzle = n;
    started.push(() -> n.close(config.shutdownGrace()));
  }

  private void startArchive() {
    ArchiveSettings settings = config.archiveSettings();
    ObjectStore store;
    try {
      store = ArchiveStores.open(settings);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open the archive store (archive.store "
              + settings.store()
              + "): "
              + e.getMessage(),
          e);
    }
    started.push(store);
    try {
      this.archiver =
          ArchiverGroup.start(
              settings, config.kafka(), bootstrapServers, store, registry, Clock.systemUTC());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the archive: " + e.getMessage(), e);
    }
    ArchiverGroup a = this.archiver;
    started.push(() -> a.close(config.shutdownGrace()));
  }

  private static String describe(SyslogServer.Addresses a) {
    StringBuilder b = new StringBuilder();
    if (a.udp() != null) {
      b.append("udp://").append(a.udp().getHostString()).append(':').append(a.udp().getPort());
    }
    if (a.tcp() != null) {
      b.append(b.length() > 0 ? " " : "")
          .append("tcp://")
          .append(a.tcp().getHostString())
          .append(':')
          .append(a.tcp().getPort());
    }
    if (a.tls() != null) {
      b.append(b.length() > 0 ? " " : "")
          .append("tls://")
          .append(a.tls().getHostString())
          .append(':')
          .append(a.tls().getPort());
    }
    return b.length() == 0 ? "(no listener enabled)" : b.toString();
  }

  private Map<String, java.util.function.Supplier<HealthEndpoint.Check>> checks(
      KafkaHealth health) {
    Map<String, java.util.function.Supplier<HealthEndpoint.Check>> checks = new LinkedHashMap<>();
    checks.put("kafka", () -> kafkaCheck(health));
    if (archiver != null) {
      ArchiverGroup a = archiver;
      checks.put(
          "archive",
          () -> {
            Throwable f = a.failure();
            Map<String, Object> d = new LinkedHashMap<>();
            if (f != null) {
              d.put("error", "the archiver stopped: " + f);
            }
            return new HealthEndpoint.Check(f == null, d);
          });
    }
    Nozzle n = nozzle;
    if (n != null) {
      // Reported, never failing: a nozzle that cannot reach the platform keeps trying, and a
      // restart (what a failing health check leads to on Cloud Foundry) would not help it.
      checks.put(
          "nozzle",
          () -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("connected_streams", n.connectedStreams());
            d.put("configured_streams", config.nozzle().connections());
            d.put("queued", n.queued());
            d.put("dropped", n.dropped());
            return new HealthEndpoint.Check(true, d);
          });
    }
    return checks;
  }

  private static HealthEndpoint.Check kafkaCheck(KafkaHealth health) {
    KafkaHealth.Status s = health.check();
    Map<String, Object> d = new LinkedHashMap<>();
    if (s.reachable()) {
      d.put("cluster_id", s.clusterId());
      d.put("brokers", s.brokers());
    } else {
      d.put("error", s.error());
    }
    return new HealthEndpoint.Check(s.reachable(), d);
  }

  private static ExecutorService workers(int threads) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        60,
        TimeUnit.SECONDS,
        // Requests beyond this wait nowhere: they get 503 at once (bounded queue, AbortPolicy).
        new ArrayBlockingQueue<>(threads * 16),
        r -> {
          Thread t = new Thread(r, "logpipe-ingest-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** The Kafka cluster in use. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The HTTP server's bound address. */
  public InetSocketAddress httpAddress() {
    return httpAddress;
  }

  /** The syslog listeners' bound addresses; null without the ingest-syslog role. */
  public SyslogServer.Addresses syslogAddresses() {
    return syslogAddresses;
  }

  /** The nozzle; null without the nozzle role. */
  public Nozzle nozzle() {
    return nozzle;
  }

  /** The archiver; null without the archive role. */
  public ArchiverGroup archiver() {
    return archiver;
  }

  /** The metrics of this node. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops every part in reverse start order; errors are logged, the rest still stops. */
  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("error while stopping {}", c, e);
      }
    }
  }
}
