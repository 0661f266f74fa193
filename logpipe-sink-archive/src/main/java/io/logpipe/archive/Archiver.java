package io.logpipe.archive;

import io.logpipe.archive.store.ObjectStore;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive role: consumes topics in its own consumer group and writes their records, exactly
 * once, to an {@link ObjectStore}.
 *
 * <p>Lifecycle: (1) {@link #start} cleans abandoned staging files, learns the Kafka cluster id and
 * starts the consumer thread; (2) on assignment, each partition resumes at the end of its chain of
 * commit markers in the store (the archive's own truth), not only at Kafka's committed offset; (3)
 * records stream into per-(partition, hour) compressed staging files; a partition's open unit is
 * cut by size, age, the open-writer bound or the buffer bounds; (4) an upload thread stores the
 * unit's objects, then creates its marker only if no marker has that start; (5) the consumer thread
 * then commits the marker's end to Kafka (progress and a fast start, not the truth); (6) {@link
 * #close} stops polling, cuts and uploads what is buffered (bounded by the grace), commits and
 * closes.
 *
 * <p>A marker that already exists (another instance got there first: this one is a zombie, or was)
 * or a failed upload discards the partition's buffered work and re-reads the chain. Threading: one
 * consumer thread owns all state; upload threads only run uploads and hand results back.
 */
public final class Archiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Archiver.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  /** Offset commit metadata: the start of the marker that ends at the committed offset. */
  private static final String MARKER_HINT = "logpipe-archive-marker=";

  private static final Duration[] UPLOAD_BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  /**
   * Test hook: called at named points of an upload on the upload thread (for crash tests), and at
   * {@code writer-opened} on the consumer thread just after a staging writer opened (so a test sees
   * the most writers ever open, which sampling the gauge can miss).
   */
  public interface Faults {
    Faults NONE = point -> {};

    void at(String point);
  }

  private final ArchiveSettings settings;
  private final int consumerIndex;
  private final Tags consumerTags;
  private final KafkaSettings kafka;
  private final String bootstrapServers;
  private final ObjectStore store;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Faults faults;
  private final ArchiveKeys keys;
  private final String extension;

  private final Map<TopicPartition, PartitionState> states = new HashMap<>();
  private final Map<String, String> topicIds = new HashMap<>();
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicLong staged = new AtomicLong();
  private final AtomicInteger openWriters = new AtomicInteger();
  private final Counter conflicts;
  private final Counter commitFailures;
  private final AtomicInteger pausedGauge = new AtomicInteger();
  private final Counter pauses;
  private final Counter consumedRecords;
  private final Counter consumedBytes;

  private StagingDirectory staging;
  private ExecutorService uploads;
  private Admin admin;
  private KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
  private Thread thread;
  private String clusterId;
  private volatile boolean stopping;
  private volatile Duration grace = Duration.ofSeconds(30);
  private volatile Throwable failure;
  private boolean pausedForBounds;
  private long unitSeq;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final CompletableFuture<Void> running = new CompletableFuture<>();
  private ArchiveLine line;

  public Archiver(
      ArchiveSettings settings,
      KafkaSettings kafka,
      String bootstrapServers,
      ObjectStore store,
      MeterRegistry registry,
      Clock clock,
      Faults faults) {
    this(settings, kafka, bootstrapServers, store, registry, clock, faults, 0);
  }

  /**
   * @param consumer this archiver's number among those of one process ({@link ArchiverGroup}); it
   *     names threads and tags this archiver's own gauges ({@code consumer})
   */
  public Archiver(
      ArchiveSettings settings,
      KafkaSettings kafka,
      String bootstrapServers,
      ObjectStore store,
      MeterRegistry registry,
      Clock clock,
      Faults faults,
      int consumer) {
    this.consumerIndex = consumer;
    this.consumerTags = Tags.of("consumer", Integer.toString(consumer));
    this.settings = settings;
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
    this.store = store;
    this.registry = registry;
    this.clock = clock;
    this.faults = faults;
    this.keys = new ArchiveKeys(settings.prefix());
    this.extension = settings.compression().equals("gzip") ? "gz" : "zst";
    this.conflicts =
        Counter.builder("logpipe_archive_marker_conflicts_total")
            .description("units dropped because another archiver had written that range")
            .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "logpipe_archive_store_retries_total", store, ObjectStore::retries)
        .description("requests to the object store attempted again (5xx, 503 SlowDown, I/O)")
        .register(registry);
    this.commitFailures =
        Counter.builder("logpipe_archive_commit_failures_total")
            .description("Kafka offset commits refused (fenced after a rebalance) or failed")
            .register(registry);
    this.consumedRecords =
        Counter.builder("logpipe_archive_consumed_records_total")
            .description("records read from Kafka (durable or not yet)")
            .register(registry);
    this.consumedBytes =
        Counter.builder("logpipe_archive_consumed_bytes_total")
            .description("bytes of record values read from Kafka")
            .register(registry);
    this.pauses =
        Counter.builder("logpipe_archive_pauses_total")
            .description("times consumption paused because a buffer bound was reached")
            .register(registry);
    Gauge.builder("logpipe_archive_buffered_bytes", buffered, AtomicLong::get)
        .description("raw bytes consumed and not yet durable in the store")
        .tags(consumerTags)
        .register(registry);
    Gauge.builder("logpipe_archive_staging_bytes", staged, AtomicLong::get)
        .description("compressed bytes in the staging directory")
        .tags(consumerTags)
        .register(registry);
    Gauge.builder("logpipe_archive_open_writers", openWriters, AtomicInteger::get)
        .description("objects being written (one per partition and event hour)")
        .tags(consumerTags)
        .register(registry);
    Gauge.builder("logpipe_archive_paused", pausedGauge, AtomicInteger::get)
        .description("1 while consumption is paused because a buffer bound is reached")
        .tags(consumerTags)
        .register(registry);
  }

  /** Starts consuming; returns once the consumer thread runs. */
  public synchronized Archiver start() throws IOException {
    staging = new StagingDirectory(settings.stagingDir());
    line = new ArchiveLine(settings.maxFuture(), settings.maxPast());
    admin = Admin.create(KafkaClients.admin(kafka, bootstrapServers, "logpipe-archive-admin"));
    try {
      clusterId = admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot read the Kafka cluster id: " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    uploads =
        Executors.newFixedThreadPool(
            settings.uploadThreads(),
            r -> {
              Thread t =
                  new Thread(
                      r, "logpipe-archive-" + consumerIndex + "-upload-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Map<String, Object> props =
        KafkaClients.consumer(
            kafka, bootstrapServers, "logpipe-archive-" + consumerIndex, settings.groupId());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    // Values as the fetch holds them: a byte[] copy of every record cost as much as our own work.
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
    // Revocation waits for a unit in flight; uploads retry with backoff for minutes.
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
    consumer = new KafkaConsumer<>(props);
    thread = new Thread(this::run, "logpipe-archive-" + consumerIndex);
    thread.setDaemon(true);
    thread.start();
    log.info(
        "archive: topics {} -> {} (prefix '{}', {} level {}, cut at {} or {}), group {}, Kafka"
            + " cluster {}",
        settings.topics(),
        store.describe(),
        settings.prefix(),
        settings.compression(),
        settings.zstdLevel(),
        settings.maxObjectSize(),
        io.logpipe.core.config.Durations.format(settings.maxObjectAge()),
        settings.groupId(),
        clusterId);
    return this;
  }

  /** Completes when the consumer has joined the group and polled once. */
  public CompletableFuture<Void> running() {
    return running;
  }

  /** The error that stopped the archiver, or null. */
  public Throwable failure() {
    return failure;
  }

  private void run() {
    try {
      consumer.subscribe(settings.topics(), new Rebalance());
      while (!stopping) {
        ConsumerRecords<ByteBuffer, ByteBuffer> polled = consumer.poll(POLL);
        long bytes = 0;
        for (TopicPartition tp : polled.partitions()) {
          // States change only in the rebalance callbacks, which run inside poll().
          PartitionState st = states.get(tp);
          for (ConsumerRecord<ByteBuffer, ByteBuffer> r : polled.records(tp)) {
            bytes += r.serializedValueSize();
            append(st, r);
          }
        }
        if (!polled.isEmpty()) {
          consumedRecords.increment(polled.count());
          consumedBytes.increment(bytes);
        }
        running.complete(null);
        maintain(false);
      }
    } catch (WakeupException e) {
      // close()
    } catch (Throwable t) {
      failure = t;
      log.error("archive: stopped by an unexpected error", t);
    }
    try {
      drain();
    } catch (Throwable t) {
      log.warn("archive: error while stopping", t);
    } finally {
      try {
        consumer.close(
            org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
      } catch (RuntimeException e) {
        log.warn("archive: error closing the consumer: {}", e.toString());
      }
      stopped.complete(null);
    }
  }

  /** Stop: cut every open unit, upload it (bounded by the grace), commit. */
  private void drain() {
    long deadline = clock.millis() + grace.toMillis();
    for (PartitionState st : states.values()) {
      if (!st.resetting) {
        seal(st);
      }
    }
    while (clock.millis() < deadline && states.values().stream().anyMatch(PartitionState::busy)) {
      maintain(true);
      waitForUploads(Duration.ofMillis(50));
    }
    maintain(true);
    int left = (int) states.values().stream().filter(PartitionState::busy).count();
    if (left > 0) {
      log.warn(
          "archive: {} partitions still had unstored records after {}; they are read again at the"
              + " next start",
          left,
          grace);
    }
    for (PartitionState st : states.values()) {
      discard(st);
    }
  }

  private void waitForUploads(Duration d) {
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (PartitionState st : states.values()) {
      if (st.inFlight != null) {
        inFlight.add(st.inFlight.result);
      }
    }
    if (inFlight.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.anyOf(inFlight.toArray(CompletableFuture[]::new))
          .get(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Looked at by maintain().
    }
  }

  // ---- consuming

  private void append(PartitionState st, ConsumerRecord<ByteBuffer, ByteBuffer> r)
      throws IOException {
    if (st == null || st.resetting || r.offset() < st.position) {
      return;
    }
    line.read(r.value(), r.timestamp());
    Unit u = st.open;
    if (u == null) {
      u = st.open = new Unit(st, st.position, clock.millis(), r.timestamp());
    }
    HourWriter w = u.writers.get(line.hour);
    try {
      if (w == null) {
        if (openWriters.get() >= settings.maxOpenWriters()) {
          sealLeastRecentlyUsed();
          if (st.open == null) {
            u = st.open = new Unit(st, st.position, clock.millis(), r.timestamp());
          }
        }
        Path file =
            staging
                .dir()
                .resolve(
                    r.topic()
                        + ".p"
                        + r.partition()
                        + "."
                        + (++unitSeq)
                        + "."
                        + line.hour
                        + ".part");
        w =
            new HourWriter(
                line.hour,
                file,
                settings.compression(),
                settings.zstdLevel(),
                settings.compressionWorkers());
        u.writers.put(line.hour, w);
        openWriters.incrementAndGet();
        faults.at("writer-opened");
      }
      long stagedBefore = w.stagedBytes();
      w.write(r.offset(), line.bytes, line.offset, line.length, line.time);
      w.lastWriteNanos = System.nanoTime();
      long raw = line.length + 1;
      u.rawBytes += raw;
      u.stagedBytes += w.stagedBytes() - stagedBefore;
      buffered.addAndGet(raw);
      staged.addAndGet(w.stagedBytes() - stagedBefore);
      st.bufferedBytes.addAndGet(raw);
    } catch (IOException e) {
      // Staging disk full or broken: nothing of this unit is committed; read it again later.
      log.warn("archive: staging failed for {}: {}; retrying later", st.tp, e.toString());
      st.uploadRetries.increment();
      reset(st, true);
      return;
    }
    u.records++;
    u.end = r.offset() + 1;
    st.position = r.offset() + 1;
    if (line.hour == ArchiveKeys.OUT_OF_RANGE) {
      st.outOfRange.increment();
    } else if (line.hour < st.newestHour) {
      st.late.increment();
    } else {
      st.newestHour = line.hour;
    }
    if (line.kind == ArchiveLine.Kind.INVALID) {
      st.invalid.increment();
    }
    if (w.rawBytes >= settings.maxObjectSize().bytes()) {
      seal(st);
    }
  }

  private void sealLeastRecentlyUsed() {
    PartitionState oldest = null;
    long oldestNanos = Long.MAX_VALUE;
    for (PartitionState st : states.values()) {
      if (st.open == null) {
        continue;
      }
      for (HourWriter w : st.open.writers.values()) {
        if (w.lastWriteNanos < oldestNanos) {
          oldestNanos = w.lastWriteNanos;
          oldest = st;
        }
      }
    }
    if (oldest != null) {
      seal(oldest);
    }
  }

  /** Closes the open unit's writers and queues it for upload. */
  private void seal(PartitionState st) {
    Unit u = st.open;
    if (u == null) {
      return;
    }
    st.open = null;
    try {
      for (HourWriter w : u.writers.values()) {
        long before = w.stagedBytes();
        w.close();
        staged.addAndGet(w.stagedBytes() - before);
        u.stagedBytes += w.stagedBytes() - before;
        openWriters.decrementAndGet();
      }
    } catch (IOException e) {
      log.warn("archive: staging failed for {}: {}; retrying later", st.tp, e.toString());
      st.uploadRetries.increment();
      st.sealed.addLast(u);
      reset(st, true);
      return;
    }
    u.generation = consumer.groupMetadata().generationId();
    st.sealed.addLast(u);
  }

  // ---- the loop's housekeeping

  private void maintain(boolean draining) {
    long now = clock.millis();
    for (PartitionState st : states.values()) {
      if (st.open != null && now - st.open.createdMillis >= settings.maxObjectAge().toMillis()) {
        seal(st);
      }
    }
    enforceBounds();
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (PartitionState st : new ArrayList<>(states.values())) {
      if (st.inFlight != null && st.inFlight.result.isDone()) {
        finish(st, st.inFlight.result.join());
      }
      if (st.inFlight == null && !st.sealed.isEmpty() && !st.resetting) {
        Unit u = st.sealed.pollFirst();
        st.inFlight = u;
        u.result = CompletableFuture.supplyAsync(() -> upload(u), uploads);
      }
      if (st.commitPending) {
        commits.put(st.tp, st.commitPosition());
        st.commitPending = false;
      }
      if (st.resetting && st.inFlight == null && now >= st.backoffUntilMillis && !draining) {
        reload(st);
      }
      updateLag(st, now);
    }
    if (!commits.isEmpty()) {
      commit(commits);
    }
  }

  private void enforceBounds() {
    boolean over =
        buffered.get() > settings.maxBuffered().bytes()
            || staged.get() > settings.maxStaging().bytes();
    if (over) {
      // Make room: cut the biggest open unit so that it can be uploaded and freed.
      PartitionState biggest = null;
      for (PartitionState st : states.values()) {
        if (st.open != null && (biggest == null || st.open.rawBytes > biggest.open.rawBytes)) {
          biggest = st;
        }
      }
      if (biggest != null) {
        seal(biggest);
      }
      if (!pausedForBounds) {
        pausedForBounds = true;
        pausedGauge.set(1);
        pauses.increment();
        consumer.pause(consumer.assignment());
        log.info(
            "archive: pausing consumption: {} buffered, {} staged (bounds {} and {})",
            buffered.get(),
            staged.get(),
            settings.maxBuffered(),
            settings.maxStaging());
      }
    } else if (pausedForBounds
        && buffered.get() <= settings.maxBuffered().bytes() * 8 / 10
        && staged.get() <= settings.maxStaging().bytes() * 8 / 10) {
      pausedForBounds = false;
      pausedGauge.set(0);
      List<TopicPartition> resume = new ArrayList<>();
      for (PartitionState st : states.values()) {
        if (!st.resetting) {
          resume.add(st.tp);
        }
      }
      consumer.resume(resume);
      log.info("archive: resuming consumption");
    }
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> commits) {
    try {
      consumer.commitSync(commits, Duration.ofSeconds(30));
    } catch (CommitFailedException e) {
      // Fenced: this instance lost the partitions in a rebalance. The markers stay the truth.
      commitFailures.increment();
      log.warn("archive: offset commit refused (no longer owner): {}", e.getMessage());
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      commitFailures.increment();
      log.warn("archive: offset commit failed: {}", e.toString());
    }
  }

  private void updateLag(PartitionState st, long now) {
    long pos = st.position;
    var lag = consumer.currentLag(st.tp);
    if (lag.isPresent()) {
      st.lagRecords.set(Math.max(0, pos + lag.getAsLong() - st.chainEnd));
    }
    long oldest = Long.MAX_VALUE;
    if (st.inFlight != null) {
      oldest = Math.min(oldest, st.inFlight.firstTimestamp);
    }
    for (Unit u : st.sealed) {
      oldest = Math.min(oldest, u.firstTimestamp);
    }
    if (st.open != null) {
      oldest = Math.min(oldest, st.open.firstTimestamp);
    }
    st.lagMillis.set(oldest == Long.MAX_VALUE || oldest < 0 ? 0 : Math.max(0, now - oldest));
  }

  // ---- uploads (upload threads)

  private Result upload(Unit u) {
    PartitionState st = u.state;
    long t0 = System.nanoTime();
    try {
      faults.at("before-upload");
      List<CommitMarker.Entry> entries = new ArrayList<>();
      int i = 0;
      for (HourWriter w : u.writers.values()) {
        if (i++ > 0) {
          faults.at("between-objects");
        }
        String key =
            keys.dataKey(
                st.tp.topic(),
                w.hour,
                st.tp.partition(),
                w.first,
                w.last,
                clusterId,
                st.topicId,
                extension);
        long size = Files.size(w.file);
        store.put(key, w.file);
        entries.add(
            new CommitMarker.Entry(
                key,
                w.first,
                w.last,
                w.records,
                size,
                w.rawBytes,
                w.crc32c(),
                w.minTime,
                w.maxTime));
      }
      faults.at("after-upload-before-commit");
      if (st.lost) {
        return Result.REVOKED;
      }
      CommitMarker marker =
          new CommitMarker(
              st.tp.topic(),
              clusterId,
              st.topicId,
              st.tp.partition(),
              u.start,
              u.end,
              u.records,
              u.generation,
              clock.instant(),
              List.copyOf(entries));
      boolean created =
          store.putIfAbsent(
              keys.markerKey(st.tp.topic(), clusterId, st.topicId, st.tp.partition(), u.start),
              marker.toJson());
      if (!created) {
        return Result.CONFLICT;
      }
      faults.at("after-marker-before-commit");
      st.uploadTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      st.objects.increment(entries.size());
      st.bytes.increment(entries.stream().mapToLong(CommitMarker.Entry::bytes).sum());
      st.records.increment(u.records);
      return Result.STORED;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "archive: storing {} [{}, {}) failed: {}; retrying later",
          st.tp,
          u.start,
          u.end,
          e.toString());
      return Result.FAILED;
    } finally {
      for (HourWriter w : u.writers.values()) {
        try {
          Files.deleteIfExists(w.file);
        } catch (IOException e) {
          // Cleaned with the staging directory.
        }
      }
    }
  }

  private enum Result {
    STORED,
    CONFLICT,
    FAILED,
    REVOKED
  }

  /** Consumer thread: a unit's upload is over. */
  private void finish(PartitionState st, Result r) {
    Unit u = st.inFlight;
    st.inFlight = null;
    release(u);
    switch (r) {
      case STORED -> {
        st.chainEnd = u.end;
        st.lastMarkerStart = u.start;
        st.lastOffset.set(u.end - 1);
        st.commitPending = true;
        st.failures = 0;
      }
      case CONFLICT -> {
        conflicts.increment();
        log.warn(
            "archive: {} already has a marker at {}: another archiver wrote it; reading the chain"
                + " again",
            st.tp,
            u.start);
        reset(st, false);
      }
      case FAILED -> {
        st.uploadRetries.increment();
        reset(st, true);
      }
      case REVOKED -> {}
    }
  }

  private void release(Unit u) {
    buffered.addAndGet(-u.rawBytes);
    staged.addAndGet(-u.stagedBytes);
    u.state.bufferedBytes.addAndGet(-u.rawBytes);
  }

  /**
   * Drops a partition's buffered work, pauses it and reads the chain again once nothing is in
   * flight (after a backoff with jitter if {@code backoff}).
   */
  private void reset(PartitionState st, boolean backoff) {
    discard(st);
    st.resetting = true;
    if (backoff) {
      st.failures++;
      long ms = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(6, st.failures - 1));
      // Full jitter, so that many partitions do not retry in step.
      st.backoffUntilMillis =
          clock.millis()
              + java.util.concurrent.ThreadLocalRandom.current().nextLong(ms / 2, ms + 1);
    } else {
      st.backoffUntilMillis = clock.millis();
    }
    consumer.pause(List.of(st.tp));
  }

  private void reload(PartitionState st) {
    try {
      // From this archiver's last marker: it walks on through any another archiver wrote since.
      MarkerChain chain =
          MarkerChain.load(
              store, st.markerDir, st.lastMarkerStart >= 0 ? st.lastMarkerStart : st.chainEnd);
      if (!chain.links().isEmpty() && chain.end() > st.chainEnd) {
        st.lastMarkerStart = chain.links().get(chain.links().size() - 1).start();
      }
      long end = chain.end() >= 0 ? Math.max(chain.end(), st.chainEnd) : st.chainEnd;
      st.chainEnd = end;
      st.position = end;
      st.lastOffset.set(end - 1);
      consumer.seek(st.tp, end);
      st.resetting = false;
      if (!pausedForBounds) {
        consumer.resume(List.of(st.tp));
      }
    } catch (IOException e) {
      st.failures++;
      st.backoffUntilMillis =
          clock.millis() + Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(6, st.failures));
      log.warn("archive: cannot read the markers of {}: {}; retrying", st.tp, e.toString());
    }
  }

  /** Drops a partition's open and sealed units (not the one in flight). */
  private void discard(PartitionState st) {
    if (st.open != null) {
      for (HourWriter w : st.open.writers.values()) {
        w.discard();
        openWriters.decrementAndGet();
      }
      release(st.open);
      st.open = null;
    }
    for (Unit u : st.sealed) {
      for (HourWriter w : u.writers.values()) {
        w.discard();
      }
      release(u);
    }
    st.sealed.clear();
  }

  // ---- assignment

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(60));
      for (TopicPartition tp : partitions) {
        try {
          PartitionState st = new PartitionState(tp, topicId(tp.topic()));
          OffsetAndMetadata c = committed.get(tp);
          MarkerChain chain = MarkerChain.load(store, st.markerDir, hint(c));
          long start;
          if (chain.end() >= 0) {
            start = chain.end();
            consumer.seek(tp, start);
          } else {
            start = consumer.position(tp, Duration.ofSeconds(60));
          }
          st.chainEnd = start;
          if (!chain.links().isEmpty()) {
            st.lastMarkerStart = chain.links().get(chain.links().size() - 1).start();
          }
          st.position = start;
          st.lastOffset.set(start - 1);
          states.put(tp, st);
          st.register();
          if (pausedForBounds) {
            consumer.pause(List.of(tp));
          }
          log.info(
              "archive: assigned {} (topic id {}), resuming at offset {} ({})",
              tp,
              st.topicId,
              start,
              chain.end() >= 0 ? "end of the marker chain" : "no marker yet");
        } catch (IOException | RuntimeException e) {
          // Without the chain's end this partition cannot be archived safely: fail loudly.
          throw new KafkaException("archive: cannot read the markers of " + tp + ": " + e, e);
        }
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
      long deadline = clock.millis() + grace.toMillis();
      for (TopicPartition tp : partitions) {
        PartitionState st = states.get(tp);
        if (st == null) {
          continue;
        }
        discard(st);
        if (st.inFlight != null) {
          // Let the unit in flight finish: its marker is valid work.
          try {
            Result r =
                st.inFlight.result.get(
                    Math.max(1, deadline - clock.millis()), TimeUnit.MILLISECONDS);
            finish(st, r);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            st.lost = true;
          } catch (ExecutionException | TimeoutException e) {
            st.lost = true;
          }
        }
        if (st.commitPending) {
          commits.put(tp, st.commitPosition());
        }
        remove(st);
      }
      if (!commits.isEmpty()) {
        commit(commits);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another member may own them already: write nothing more for them, commit nothing.
      if (!partitions.isEmpty()) {
        log.warn("archive: lost {} to another member; dropping their buffered records", partitions);
      }
      for (TopicPartition tp : partitions) {
        PartitionState st = states.get(tp);
        if (st != null) {
          st.lost = true;
          discard(st);
          if (st.inFlight != null) {
            release(st.inFlight);
          }
          remove(st);
        }
      }
    }
  }

  /**
   * Where to start reading a partition's markers: the start of the last marker this group stored
   * (the commit's metadata), else the committed offset, else nowhere (read them all). A hint that
   * names no marker makes {@link MarkerChain#load} read them all, so a lost marker is still
   * noticed.
   */
  private static long hint(OffsetAndMetadata c) {
    if (c == null) {
      return -1;
    }
    String m = c.metadata();
    if (m != null && m.startsWith(MARKER_HINT)) {
      try {
        return Long.parseLong(m.substring(MARKER_HINT.length()));
      } catch (NumberFormatException e) {
        // Someone else's metadata.
      }
    }
    return c.offset();
  }

  private void remove(PartitionState st) {
    states.remove(st.tp);
    st.unregister();
  }

  private String topicId(String topic) {
    try {
      TopicDescription d =
          admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
      String id = d.topicId().toString();
      topicIds.put(topic, id);
      return id;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("cannot describe topic " + topic + ": " + e.getMessage(), e);
    }
  }

  // ---- state

  /** One unit: a contiguous offset range of one partition, one writer per hour. */
  private static final class Unit {
    final PartitionState state;
    final long start;
    final long createdMillis;
    final long firstTimestamp;
    final Map<Long, HourWriter> writers = new LinkedHashMap<>();
    long end;
    long records;
    long rawBytes;
    long stagedBytes;
    int generation;
    CompletableFuture<Result> result;

    Unit(PartitionState state, long start, long createdMillis, long firstTimestamp) {
      this.state = state;
      this.start = start;
      this.end = start;
      this.createdMillis = createdMillis;
      this.firstTimestamp = firstTimestamp;
    }
  }

  private final class PartitionState {
    final TopicPartition tp;
    final String topicId;
    final String markerDir;
    final Deque<Unit> sealed = new ArrayDeque<>();
    final List<Meter> meters = new ArrayList<>();
    final AtomicLong lastOffset = new AtomicLong(-1);
    final AtomicLong lagRecords = new AtomicLong();
    final AtomicLong lagMillis = new AtomicLong();
    final AtomicLong bufferedBytes = new AtomicLong();
    final Counter objects;
    final Counter bytes;
    final Counter records;
    final Counter late;
    final Counter outOfRange;
    final Counter invalid;
    final Counter uploadRetries;
    final Timer uploadTimer;
    long chainEnd;
    long lastMarkerStart = -1;
    long position;
    long newestHour = Long.MIN_VALUE;
    Unit open;
    Unit inFlight;
    boolean resetting;
    boolean commitPending;
    volatile boolean lost;
    int failures;
    long backoffUntilMillis;

    PartitionState(TopicPartition tp, String topicId) {
      this.tp = tp;
      this.topicId = topicId;
      this.markerDir = keys.markerDir(tp.topic(), clusterId, topicId, tp.partition());
      Tags tags = Tags.of("topic", tp.topic(), "partition", Integer.toString(tp.partition()));
      objects = counter("logpipe_archive_objects_total", "data objects stored", tags);
      bytes = counter("logpipe_archive_bytes_total", "compressed bytes stored", tags);
      records = counter("logpipe_archive_records_total", "records archived", tags);
      late =
          counter(
              "logpipe_archive_late_records_total",
              "records older than the newest hour already seen in their partition",
              tags);
      outOfRange =
          counter(
              "logpipe_archive_out_of_range_records_total",
              "records whose event time is too far from their Kafka time (dt=out-of-range)",
              tags);
      invalid =
          counter(
              "logpipe_archive_invalid_records_total",
              "Kafka values that were not records (archived flagged, with the raw bytes)",
              tags);
      uploadRetries =
          counter(
              "logpipe_archive_upload_retries_total",
              "units stored again because their upload or staging failed (after the store's own"
                  + " request retries, logpipe_archive_store_retries_total)",
              tags);
      uploadTimer =
          Timer.builder("logpipe_archive_upload_seconds")
              .description("time to store one unit: its objects, then its commit marker")
              .tags(tags)
              .serviceLevelObjectives(UPLOAD_BUCKETS)
              .register(registry);
      meters.add(uploadTimer);
      meters.add(
          Gauge.builder("logpipe_archive_last_offset", lastOffset, AtomicLong::get)
              .description("the last offset durable in the archive")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder("logpipe_archive_lag_records", lagRecords, AtomicLong::get)
              .description("records in Kafka not yet durable in the archive")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder("logpipe_archive_lag_seconds", lagMillis, v -> v.get() / 1000.0)
              .description("age (Kafka time) of the oldest record consumed and not yet durable")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder("logpipe_archive_partition_buffered_bytes", bufferedBytes, AtomicLong::get)
              .tags(tags)
              .register(registry));
    }

    private Counter counter(String name, String description, Tags tags) {
      Counter c = Counter.builder(name).description(description).tags(tags).register(registry);
      meters.add(c);
      return c;
    }

    void register() {}

    void unregister() {
      // Counters stay (they are totals); gauges of a partition this instance no longer owns go.
      for (Meter m : meters) {
        if (m instanceof Gauge) {
          registry.remove(m);
        }
      }
    }

    boolean busy() {
      return open != null || !sealed.isEmpty() || inFlight != null;
    }

    /**
     * The end of the chain, with the start of its last marker as metadata: a restart reads the
     * markers from there instead of the whole history.
     */
    OffsetAndMetadata commitPosition() {
      return lastMarkerStart >= 0
          ? new OffsetAndMetadata(chainEnd, MARKER_HINT + lastMarkerStart)
          : new OffsetAndMetadata(chainEnd);
    }
  }

  /**
   * Stops: no more polling, what is buffered is cut and stored (up to {@code grace}), offsets are
   * committed, the consumer closes. Safe to call more than once and before {@link #start}.
   */
  public void close(Duration grace) {
    this.grace = grace;
    stopping = true;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        stopped.get(grace.toMillis() + 20_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("archive: did not stop in time");
      }
    }
    if (uploads != null) {
      uploads.shutdownNow();
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (staging != null) {
      try {
        staging.close();
      } catch (IOException e) {
        log.warn("archive: cannot clean the staging directory: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    close(grace);
  }
}
