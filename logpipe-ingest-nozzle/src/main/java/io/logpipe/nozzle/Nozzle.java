package io.logpipe.nozzle;

import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.nozzle.envelope.Envelope;
import io.logpipe.nozzle.platform.AppNames;
import io.logpipe.nozzle.platform.PlatformTls;
import io.logpipe.nozzle.platform.TokenSource;
import io.logpipe.nozzle.platform.UaaTokenSource;
import io.logpipe.nozzle.stream.Backoff;
import io.logpipe.nozzle.stream.FirehoseStream;
import io.logpipe.nozzle.stream.LogStream;
import io.logpipe.nozzle.stream.RlpGatewayStream;
import io.logpipe.nozzle.stream.StreamContext;
import io.logpipe.nozzle.stream.StreamListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud Foundry nozzle (role {@code nozzle}): reads the platform's log stream (v2 RLP gateway
 * or v1 firehose), turns log envelopes into {@code kind=app} records for the app topic and, when
 * asked, metric and event envelopes into JSON for the metrics topic, and hands them to Kafka
 * through a bounded queue that drops and counts rather than slow the stream down. See {@code
 * docs/nozzle.md}.
 *
 * <p>Lifecycle: (1) construct; (2) {@link #start()}: the Cloud Controller lookups, the publishing
 * thread and {@code connections} streams start, each connecting in the background (a platform that
 * cannot be reached is retried, never fatal); (3) {@link #close(Duration)}: the streams close, what
 * is queued is published for up to the grace period, the rest counted as dropped. Thread-safe.
 */
public final class Nozzle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Nozzle.class);

  private final NozzleSettings settings;
  private final NozzleMetrics metrics;
  private final Outbox outbox;
  private final AppNames names;
  private final EventLoopGroup group;
  private final ScheduledExecutorService connector;
  private final List<LogStream> streams = new ArrayList<>();
  private final AtomicInteger connected = new AtomicInteger();
  private final HttpClient http;
  private final java.util.concurrent.ExecutorService httpThreads;
  private volatile boolean started;

  /**
   * @param settings the {@code nozzle} section; must be {@link NozzleSettings#configured()}
   * @param datacenter stamped on records; null for none
   * @param publisher takes dead letters and bounds what is in flight ({@link
   *     RecordPublisher#hasCapacity()})
   * @param appTopic takes app records, encoded (the app topic)
   * @param metricsTopic takes metric and event envelopes; may be null when none are selected
   * @param tokens the token source; null to use UAA as configured
   */
  public Nozzle(
      NozzleSettings settings,
      String datacenter,
      RecordPublisher publisher,
      TopicWriter appTopic,
      TopicWriter metricsTopic,
      MeterRegistry registry,
      Clock clock,
      TokenSource tokens) {
    if (!settings.configured()) {
      throw new IllegalArgumentException("nozzle.url is not set");
    }
    this.settings = settings;
    this.metrics = new NozzleMetrics(registry, settings.api().id());
    PlatformTls tls = new PlatformTls(settings.tls());
    AtomicInteger httpThreadCount = new AtomicInteger();
    this.httpThreads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "logpipe-nozzle-http-" + httpThreadCount.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.http =
        HttpClient.newBuilder()
            .executor(httpThreads)
            .connectTimeout(settings.connectTimeout())
            .sslContext(tls.jdkContext())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    TokenSource tokenSource =
        tokens != null
            ? tokens
            : new UaaTokenSource(
                settings.uaa().url(),
                settings.uaa().clientId(),
                settings.uaa().clientSecret(),
                settings.uaa().refreshMargin(),
                http,
                settings.connectTimeout().plus(settings.connectTimeout()),
                clock,
                metrics);
    this.names =
        settings.cloudController().url() == null
            ? null
            : new AppNames(settings.cloudController(), tokenSource, http, clock, metrics);
    TopicWriter topic =
        metricsTopic != null
            ? metricsTopic
            : (key, value, ts, cb) ->
                cb.done(
                    new io.logpipe.core.pipeline.PublishException("no metrics topic", false, null));
    this.outbox =
        new Outbox(
            settings.queueCapacity(),
            settings.connections(),
            publisher,
            appTopic,
            topic,
            metrics,
            settings.dropLogInterval(),
            "nozzle-" + settings.api().id(),
            clock);
    EnvelopeRouter router =
        new EnvelopeRouter(
            settings.eventTypes(),
            new EnvelopeMapper(datacenter, names, metrics),
            new EnvelopeFilter(settings.filters()),
            names,
            outbox,
            metrics,
            datacenter,
            "nozzle-" + settings.api().id(),
            clock);
    this.group = new MultiThreadIoEventLoopGroup(settings.connections(), NioIoHandler.newFactory());
    this.connector =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logpipe-nozzle-connector");
              t.setDaemon(true);
              return t;
            });
    StreamContext context =
        new StreamContext(
            listener(router),
            metrics,
            group,
            connector,
            tokenSource,
            tls.nettyContext(),
            settings.connectTimeout(),
            settings.readTimeout(),
            new Backoff(settings.reconnectBackoff(), settings.reconnectMaxBackoff()),
            connected);
    int maxMessage = settings.maxMessageSize().bytesAsInt();
    for (int i = 1; i <= settings.connections(); i++) {
      String name = settings.api().id() + "#" + i;
      streams.add(
          settings.api() == NozzleSettings.Api.V2
              ? new RlpGatewayStream(
                  name,
                  settings.url(),
                  settings.shardId(),
                  settings.eventTypeList(),
                  settings.sourceIds(),
                  maxMessage,
                  context)
              : new FirehoseStream(
                  name,
                  settings.url(),
                  settings.shardId(),
                  settings.eventTypes(),
                  maxMessage,
                  context));
    }
    Gauge.builder("logpipe.nozzle.connections", connected, AtomicInteger::get)
        .description("Streams connected to the platform now")
        .tag("api", settings.api().id())
        .register(registry);
  }

  private static StreamListener listener(EnvelopeRouter router) {
    return new StreamListener() {
      @Override
      public Instant now() {
        return router.now();
      }

      @Override
      public void envelopes(List<Envelope> envelopes, Instant observed) {
        router.envelopes(envelopes, observed);
      }

      @Override
      public void envelope(Envelope envelope, Instant observed) {
        router.envelope(envelope, observed);
      }

      @Override
      public void undecodable(
          String reason, String detail, byte[] raw, int offset, int length, String connection) {
        router.undecodable(reason, detail, raw, offset, length, connection);
      }
    };
  }

  /** Starts the streams; they connect in the background. */
  public synchronized void start() {
    if (names != null) {
      names.start();
    }
    outbox.start();
    for (LogStream s : streams) {
      s.start();
    }
    started = true;
    log.info(
        "nozzle: {} stream(s) of {} with shard id '{}', event types {}, names from {}",
        streams.size(),
        settings.url(),
        settings.shardId(),
        settings.eventTypeList().stream().map(t -> t.id()).toList(),
        settings.cloudController().url() == null
            ? "envelope tags only"
            : settings.cloudController().url());
  }

  /** Streams connected now. */
  public int connectedStreams() {
    return connected.get();
  }

  /** Records and envelopes waiting for Kafka. */
  public int queued() {
    return outbox.size();
  }

  /** Records and envelopes dropped so far (queue full, Kafka, stop). */
  public long dropped() {
    return outbox.dropped();
  }

  /** The streams (for tests). */
  public List<LogStream> streams() {
    return List.copyOf(streams);
  }

  /**
   * Stops: closes the streams, publishes what is queued for up to {@code grace}, counts the rest.
   */
  public synchronized void close(Duration grace) {
    for (LogStream s : streams) {
      s.close();
    }
    connector.shutdownNow();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (names != null) {
      names.close();
    }
    if (started) {
      outbox.close(grace);
    }
    httpThreads.shutdownNow();
    log.info("nozzle stopped; {} records dropped in all", outbox.dropped());
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
