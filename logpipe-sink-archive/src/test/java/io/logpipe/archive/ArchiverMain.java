package io.logpipe.archive;

import io.logpipe.archive.store.ObjectStore;
import io.logpipe.archive.store.S3ObjectStore;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An archiver as its own process, for the crash and zombie tests: {@code ArchiverMain BOOTSTRAP
 * DATA_DIR CONFIG_FILE TOPIC}. With {@code LOGPIPE_ARCHIVE_CRASH_AT=POINT:N} it halts the JVM (as
 * kill -9 would: no shutdown hook, nothing flushed) the N-th time an upload reaches POINT. SIGTERM
 * stops it cleanly.
 */
public final class ArchiverMain {
  private ArchiverMain() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    Path dataDir = Path.of(args[1]);
    ConfigNode root =
        ConfigNode.root(
            ConfigFiles.parse(Files.readString(Path.of(args[2])), "test"), Map.of(), "test");
    KafkaSettings kafka = KafkaSettings.from(root.section("kafka"));
    ArchiveSettings settings =
        ArchiveSettings.from(root.section("archive")).resolve(dataDir, List.of(args[3]));
    root.finish();
    String crash = System.getenv("LOGPIPE_ARCHIVE_CRASH_AT");
    Archiver.Faults faults = Archiver.Faults.NONE;
    ObjectStore store = ArchiveStores.open(settings);
    if (crash != null && !crash.isBlank()) {
      String point = crash.substring(0, crash.indexOf(':'));
      int n = Integer.parseInt(crash.substring(crash.indexOf(':') + 1));
      AtomicInteger seen = new AtomicInteger();
      faults =
          p -> {
            if (p.equals(point) && seen.incrementAndGet() == n) {
              System.out.println("CRASH at " + p);
              System.out.flush();
              Runtime.getRuntime().halt(137);
            }
          };
      if (point.equals("mid-multipart") && store instanceof S3ObjectStore s3) {
        Archiver.Faults f = faults;
        s3.onPartUploaded(part -> f.at("mid-multipart"));
      }
    }
    Archiver a =
        new Archiver(
                settings,
                kafka,
                bootstrap,
                store,
                new SimpleMeterRegistry(),
                Clock.systemUTC(),
                faults)
            .start();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  a.close(Duration.ofSeconds(20));
                  store.close();
                  done.countDown();
                  // A clean stop after SIGTERM exits 0, as bin/logpipe does.
                  Runtime.getRuntime().halt(0);
                }));
    a.running().get();
    System.out.println("RUNNING");
    System.out.flush();
    done.await();
  }
}
