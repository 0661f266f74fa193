package io.logpipe.archive;

import io.logpipe.archive.store.ObjectStore;
import io.logpipe.core.config.DataSize;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The archive role of one process: {@code archive.consumers} {@link Archiver}s in the archive's
 * consumer group, sharing one store and one registry. Kafka splits the partitions among them as
 * among archivers in different processes, so each consumer thread polls, checks and compresses its
 * own partitions in parallel (one consumer thread per core is the point). The buffer bounds are
 * split evenly among them.
 *
 * <p>Lifecycle: {@link #start} starts them one after the other (and closes those started if one
 * fails); {@link #close} stops them in parallel, each with the whole grace. Thread-safe.
 */
public final class ArchiverGroup implements AutoCloseable {
  private final List<Archiver> archivers = new ArrayList<>();

  private ArchiverGroup() {}

  /** Starts the configured number of archivers. */
  public static ArchiverGroup start(
      ArchiveSettings settings,
      KafkaSettings kafka,
      String bootstrapServers,
      ObjectStore store,
      MeterRegistry registry,
      Clock clock)
      throws IOException {
    ArchiverGroup g = new ArchiverGroup();
    ArchiveSettings each = share(settings, settings.consumers());
    try {
      for (int i = 0; i < settings.consumers(); i++) {
        Archiver a =
            new Archiver(
                each, kafka, bootstrapServers, store, registry, clock, Archiver.Faults.NONE, i);
        g.archivers.add(a);
        a.start();
      }
    } catch (IOException | RuntimeException e) {
      g.close(Duration.ofSeconds(5));
      throw e;
    }
    return g;
  }

  /** One archiver's share of the bounds. */
  static ArchiveSettings share(ArchiveSettings s, int n) {
    return new ArchiveSettings(
        s.store(),
        s.directory(),
        s.prefix(),
        s.s3(),
        s.groupId(),
        s.topics(),
        s.compression(),
        s.zstdLevel(),
        s.compressionWorkers(),
        s.consumers(),
        s.maxObjectSize(),
        s.maxObjectAge(),
        Math.max(1, s.maxOpenWriters() / n),
        DataSize.ofBytes(Math.max(64 * 1024, s.maxBuffered().bytes() / n)),
        s.stagingDir(),
        DataSize.ofBytes(Math.max(64 * 1024, s.maxStaging().bytes() / n)),
        s.maxFuture(),
        s.maxPast(),
        Math.max(1, s.uploadThreads() / n));
  }

  /** The archivers (for tests and health). */
  public List<Archiver> archivers() {
    return List.copyOf(archivers);
  }

  /** The error that stopped one of the archivers, or null. */
  public Throwable failure() {
    for (Archiver a : archivers) {
      if (a.failure() != null) {
        return a.failure();
      }
    }
    return null;
  }

  /** Stops every archiver, in parallel, each storing what it buffered within {@code grace}. */
  public void close(Duration grace) {
    List<Thread> stops = new ArrayList<>();
    for (Archiver a : archivers) {
      Thread t = new Thread(() -> a.close(grace), "logpipe-archive-stop");
      t.start();
      stops.add(t);
    }
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
