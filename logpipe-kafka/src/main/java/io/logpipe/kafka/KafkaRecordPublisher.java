package io.logpipe.kafka;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RecordPublisher} on Kafka: canonical JSON values, keyed by app id or host, app and
 * component records to their topics, dead letters to the DLQ. The timestamp sent is the observed
 * time; logpipe's topics replace it with the broker's append time, and the event time stays in the
 * value, so a sender with a skewed clock cannot get its records rejected. {@link #publish} never
 * blocks its caller, also while Kafka is down (see {@link KafkaClients#producer}).
 *
 * <p>Lifecycle: construct, publish from any thread, {@link #close} flushes what is pending and
 * fails what cannot be delivered in time. Thread-safe.
 */
public final class KafkaRecordPublisher implements RecordPublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaRecordPublisher.class);

  /** One record in this many is timed for {@code logpipe_kafka_send_latency}. */
  static final int LATENCY_SAMPLE = 16;

  private final Producer<byte[], byte[]> producer;
  private final KafkaSettings.Topics topics;
  private final long maxInFlight;
  private final AtomicLong inFlight = new AtomicLong();
  private final ReentrantLock capacityLock = new ReentrantLock();
  private final Condition capacityFreed = capacityLock.newCondition();
  private final Queue<Runnable> capacityCallbacks = new ConcurrentLinkedQueue<>();
  private volatile int waiters;
  private final Map<String, Meters> meters = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final KafkaClientMetrics clientMetrics;

  /** Creates a publisher with its own producer. */
  public KafkaRecordPublisher(
      KafkaSettings settings, String bootstrapServers, MeterRegistry registry) {
    this(
        new KafkaProducer<>(KafkaClients.producer(settings, bootstrapServers, "logpipe-publisher")),
        settings,
        registry);
  }

  KafkaRecordPublisher(
      Producer<byte[], byte[]> producer, KafkaSettings settings, MeterRegistry registry) {
    this.producer = producer;
    this.topics = settings.topics();
    this.maxInFlight = settings.producer().maxInFlight().bytes();
    this.registry = registry;
    Gauge.builder("logpipe.kafka.inflight", inFlight, AtomicLong::get)
        .baseUnit("bytes")
        .description("Bytes handed to Kafka and not yet acknowledged")
        .register(registry);
    this.clientMetrics = new KafkaClientMetrics(producer);
    clientMetrics.bindTo(registry);
  }

  /** Fetches topic metadata now, so that the first publish does not wait for it. */
  public void warmUp() {
    for (KafkaSettings.Topic t : topics.all()) {
      producer.partitionsFor(t.name());
    }
  }

  @Override
  public void publish(LogRecord record, Delivery callback) {
    String topic = record.kind() == Kind.APP ? topics.app().name() : topics.component().name();
    String key = record.kafkaKey();
    send(
        topic,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        LogRecordJson.encode(record),
        record.observedTime().toEpochMilli(),
        callback);
  }

  /**
   * Publishes a value that is not a {@link LogRecord} (the nozzle's metric envelopes) to {@code
   * topic}, under the same in-flight bound and acknowledgement contract as records.
   *
   * @param timestampMillis the Kafka timestamp (the observed time)
   */
  public void publishValue(
      String topic, byte[] key, byte[] value, long timestampMillis, Delivery callback) {
    send(topic, key, value, timestampMillis, callback);
  }

  @Override
  public CompletableFuture<Void> deadLetter(DeadLetter letter) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    send(
        topics.dlq().name(),
        letter.source().getBytes(StandardCharsets.UTF_8),
        letter.toJson(),
        letter.time().toEpochMilli(),
        error -> {
          if (error == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(error);
          }
        });
    return done;
  }

  private void send(String topic, byte[] key, byte[] value, long timestamp, Delivery callback) {
    Meters m = meters.computeIfAbsent(topic, this::meters);
    long size = value.length + (key == null ? 0 : key.length);
    inFlight.addAndGet(size);
    // The latency histogram is fed one record in LATENCY_SAMPLE: recording every one cost ~5% of
    // the syslog ingest CPU, and a uniform sample keeps the percentiles.
    long start = ThreadLocalRandom.current().nextInt(LATENCY_SAMPLE) == 0 ? System.nanoTime() : 0;
    try {
      producer.send(
          new ProducerRecord<>(topic, null, timestamp, key, value),
          (metadata, error) -> {
            release(size);
            if (error == null) {
              if (start != 0) {
                m.latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
              }
              m.records.increment();
              m.bytes.increment(size);
              callback.done(null);
            } else {
              callback.done(failure(topic, error));
            }
          });
    } catch (RuntimeException e) {
      // send() throws for a closed producer, a metadata timeout, an oversized record.
      release(size);
      callback.done(failure(topic, e));
    }
  }

  private PublishException failure(String topic, Throwable error) {
    boolean retriable =
        error instanceof RetriableException
            || error instanceof org.apache.kafka.common.errors.TimeoutException;
    Counter.builder("logpipe.kafka.send.errors")
        .description("Records Kafka did not acknowledge; each one was reported to its sender")
        .tag("topic", topic)
        .tag("error", error.getClass().getSimpleName())
        .register(registry)
        .increment();
    return new PublishException(
        "Kafka did not acknowledge the record on " + topic + ": " + error.getMessage(),
        retriable,
        error);
  }

  private Meters meters(String topic) {
    return new Meters(
        Counter.builder("logpipe.kafka.records.sent")
            .description("Records acknowledged by Kafka")
            .tag("topic", topic)
            .register(registry),
        Counter.builder("logpipe.kafka.bytes.sent")
            .description("Bytes (key and value, before compression) acknowledged by Kafka")
            .baseUnit("bytes")
            .tag("topic", topic)
            .register(registry),
        Timer.builder("logpipe.kafka.send.latency")
            .description(
                "From handing a record to the producer to Kafka's acknowledgement (one record in "
                    + LATENCY_SAMPLE
                    + " is timed)")
            .tag("topic", topic)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry));
  }

  private record Meters(Counter records, Counter bytes, Timer latency) {}

  private void release(long size) {
    long now = inFlight.addAndGet(-size);
    if (now < maxInFlight && (waiters > 0 || !capacityCallbacks.isEmpty())) {
      capacityLock.lock();
      try {
        capacityFreed.signalAll();
      } finally {
        capacityLock.unlock();
      }
      runCallbacks();
    }
  }

  private void runCallbacks() {
    Runnable r;
    while (hasCapacity() && (r = capacityCallbacks.poll()) != null) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("capacity callback failed", e);
      }
    }
  }

  @Override
  public boolean hasCapacity() {
    return inFlight.get() < maxInFlight;
  }

  @Override
  public boolean awaitCapacity(Duration timeout) throws InterruptedException {
    if (hasCapacity()) {
      return true;
    }
    long nanos = timeout.toNanos();
    capacityLock.lock();
    try {
      waiters++;
      while (!hasCapacity()) {
        if (nanos <= 0) {
          return false;
        }
        nanos = capacityFreed.awaitNanos(nanos);
      }
      return true;
    } finally {
      waiters--;
      capacityLock.unlock();
    }
  }

  @Override
  public void onCapacity(Runnable action) {
    capacityCallbacks.add(action);
    if (hasCapacity()) {
      runCallbacks();
    }
  }

  /** Bytes handed to Kafka and not yet acknowledged. */
  public long inFlightBytes() {
    return inFlight.get();
  }

  /**
   * Sends what is pending and closes the producer. Records not acknowledged within {@code timeout}
   * are failed to their callers.
   */
  public void close(Duration timeout) {
    long t0 = System.nanoTime();
    producer.close(timeout);
    clientMetrics.close();
    log.info("Kafka publisher closed in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
