package io.logpipe.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.archive.ArchiveReader;
import io.logpipe.archive.ArchiveSettings;
import io.logpipe.archive.ArchiveStores;
import io.logpipe.archive.ArchiveVerifier;
import io.logpipe.archive.Archiver;
import io.logpipe.archive.CommitMarker;
import io.logpipe.archive.store.FilesystemObjectStore;
import io.logpipe.archive.store.ObjectStore;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.Severity;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code logpipe archive ls|cat|grep|verify} on an archive that a real archiver wrote from a real
 * broker, read from the filesystem and, through a real S3 API server (s3proxy serving the same
 * directory as a bucket), from S3.
 */
class ArchiveCommandIT {
  static final String BUCKET = "logs-archive";

  /** Four hours ago, on the hour: records span it and the next two hours. */
  static final Instant BASE =
      Instant.now().truncatedTo(ChronoUnit.HOURS).minus(4, ChronoUnit.HOURS);

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static Path archive;
  static final List<LogRecord> records = new ArrayList<>();
  static BlobStoreContext s3context;
  static S3Proxy s3;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void archiveSomeHistory() throws Exception {
    kafka = TestKafka.start(tmp.resolve("kafka"));
    KafkaSettings ks = TestKafka.settings("");
    try (Admin admin = Admin.create(KafkaClients.admin(ks, kafka.bootstrapServers(), "t"))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("logs.app", 2, (short) 1),
                  new NewTopic("logs.component", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    // Three hours of app records of two apps and component records of two hosts; every seventh
    // message says "Timeout". Records arrive with their hours mixed (late records).
    for (int i = 0; i < 600; i++) {
      Instant t = BASE.plusSeconds((i % 3) * 3600L + i);
      String msg = (i % 7 == 1 ? "upstream Timeout after 30s #" : "request served #") + i;
      if (i % 2 == 0) {
        records.add(
            LogRecord.app()
                .time(t)
                .observedTime(t)
                .appId("00000000-0000-4000-8000-00000000000" + (i % 4 == 0 ? "1" : "2"))
                .appName(i % 4 == 0 ? "checkout" : "billing")
                .sourceType("APP/PROC/WEB")
                .instance("0")
                .message(msg)
                .build());
      } else {
        records.add(
            LogRecord.component()
                .time(t)
                .observedTime(t)
                .host(i % 4 == 1 ? "router-1" : "router-2")
                .program("gorouter")
                .severity(Severity.INFO)
                .message(msg)
                .build());
      }
    }
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(KafkaClients.producer(ks, kafka.bootstrapServers(), "t"))) {
      int n = 0;
      for (LogRecord r : records) {
        String topic = r.appId() != null ? "logs.app" : "logs.component";
        int partition = r.appId() != null ? n++ % 2 : 0;
        p.send(new ProducerRecord<>(topic, partition, null, LogRecordJson.encode(r)));
      }
      p.flush();
    }

    // Small objects, so that every partition has several markers.
    archive = tmp.resolve("archive");
    ConfigNode root =
        ConfigNode.root(
            ConfigFiles.parse(
                "archive: {max_object_age: 300ms, max_object_size: 4KiB, directory: '"
                    + archive
                    + "'}",
                "test"),
            Map.of(),
            "test");
    ArchiveSettings s =
        ArchiveSettings.from(root.section("archive"))
            .resolve(tmp.resolve("data"), List.of("logs.app", "logs.component"));
    Files.createDirectories(archive);
    ObjectStore store = new FilesystemObjectStore(archive);
    Archiver a =
        new Archiver(
                s,
                ks,
                kafka.bootstrapServers(),
                store,
                new SimpleMeterRegistry(),
                Clock.systemUTC(),
                Archiver.Faults.NONE)
            .start();
    ArchiveVerifier v = new ArchiveVerifier(new ArchiveReader(store, ""));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> v.verify(List.of("logs.app", "logs.component"), false).records() == 600);
    a.close(Duration.ofSeconds(10));
    kafka.close();

    // The same objects in a bucket of a real S3 API server, put there by the S3 store.
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", tmp.resolve("s3").toString());
    Files.createDirectories(tmp.resolve("s3"));
    s3context =
        ContextBuilder.newBuilder("filesystem-nio2")
            .credentials("identity", "credential")
            .overrides(props)
            .build(BlobStoreContext.class);
    s3context.getBlobStore().createContainerInLocation(null, BUCKET);
    s3 =
        S3Proxy.builder()
            .blobStore(s3context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
            .build();
    s3.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> s3.getState().equals("STARTED"));
    LogpipeConfig c = LogpipeConfig.load(null, s3env());
    try (ObjectStore bucket = ArchiveStores.open(c.archiveSettings());
        Stream<Path> files = Files.walk(archive)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path copy = Files.copy(f, tmp.resolve("upload.tmp"));
        bucket.put(archive.relativize(f).toString(), copy);
        Files.deleteIfExists(copy);
      }
    }
  }

  /** The configuration, as environment, of the S3 bucket above. */
  static Map<String, String> s3env() {
    Map<String, String> env = new HashMap<>();
    env.put("LOGPIPE_ARCHIVE_STORE", "s3");
    env.put("LOGPIPE_ARCHIVE_S3_ENDPOINT", "http://127.0.0.1:" + s3.getPort());
    env.put("LOGPIPE_ARCHIVE_S3_BUCKET", BUCKET);
    env.put("LOGPIPE_ARCHIVE_S3_ACCESS_KEY_ID", "test-access");
    env.put("LOGPIPE_ARCHIVE_S3_SECRET_ACCESS_KEY", "test-secret");
    env.put("LOGPIPE_ARCHIVE_S3_CONDITIONAL_WRITES", "off");
    return env;
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.stop();
      s3context.close();
    }
  }

  int run(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine(env);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** The output of a command that must succeed, as lines. */
  List<String> lines(String... args) {
    out.getBuffer().setLength(0);
    int code = run(Map.of(), args);
    assertThat(code).as("exit code of %s: %s", List.of(args), err).isZero();
    return out.toString().lines().toList();
  }

  static List<String> printed(java.util.function.Predicate<LogRecord> which) {
    return records.stream().filter(which).map(RecordPrinter::format).toList();
  }

  @Test
  void lsListsEveryLiveObjectWithATotal() {
    List<String> ls = lines("archive", "ls", "--dir", archive.toString());
    assertThat(ls.get(ls.size() - 1)).matches("\\d+ objects, 600 records, .* compressed, .* raw.*");
    int objects = Integer.parseInt(ls.get(ls.size() - 1).split(" ")[0]);
    assertThat(ls).hasSize(objects + 1);
    assertThat(ls.subList(0, objects))
        .allMatch(
            l ->
                l.matches(
                    ".*records .*logs\\.(app|component)/dt=\\d{4}-\\d\\d-\\d\\d/hr=\\d\\d/p\\d\\..*\\.ndjson\\.zst"));
    // Only the objects of the topic asked for, and of the hour asked for.
    List<String> appHour =
        lines(
            "archive",
            "ls",
            "--dir",
            archive.toString(),
            "--topic",
            "app",
            "--from",
            BASE.toString(),
            "--to",
            BASE.plusSeconds(3600).toString());
    assertThat(appHour.subList(0, appHour.size() - 1))
        .isNotEmpty()
        .allMatch(
            l ->
                l.contains(
                    "logs.app/"
                        + new io.logpipe.archive.ArchiveKeys("")
                            .hourDir("", BASE.getEpochSecond() / 3600)
                            .substring(1)));
  }

  @Test
  void catPrintsTheRecordsOfATimeRangeAndAnApp() {
    Instant from = BASE.plusSeconds(3600);
    Instant to = BASE.plusSeconds(2 * 3600);
    List<String> got =
        lines(
            "archive",
            "cat",
            "--dir",
            archive.toString(),
            "--from",
            from.toString(),
            "--to",
            to.toString(),
            "--app",
            "checkout");
    List<String> expected =
        printed(
            r ->
                "checkout".equals(r.appName())
                    && !r.time().isBefore(from)
                    && r.time().isBefore(to));
    assertThat(expected).hasSizeGreaterThan(10);
    assertThat(got).containsExactlyInAnyOrderElementsOf(expected);

    // By app id too, and everything with no filter; --since with a range that holds nothing.
    assertThat(
            lines(
                "archive",
                "cat",
                "--dir",
                archive.toString(),
                "--app",
                "00000000-0000-4000-8000-000000000002"))
        .containsExactlyInAnyOrderElementsOf(printed(r -> "billing".equals(r.appName())));
    assertThat(lines("archive", "cat", "--dir", archive.toString()))
        .containsExactlyInAnyOrderElementsOf(printed(r -> true));
    assertThat(lines("archive", "cat", "--dir", archive.toString(), "--since", "1m")).isEmpty();
    assertThat(lines("archive", "cat", "--dir", archive.toString(), "--since", "30d")).hasSize(600);
  }

  @Test
  void grepFindsMessagesOfAHostAndPrintsJson() {
    List<String> got =
        lines(
            "archive",
            "grep",
            "-i",
            "TIMEOUT after \\d+s",
            "--dir",
            archive.toString(),
            "--host",
            "router-1",
            "--json");
    List<String> expected =
        records.stream()
            .filter(r -> "router-1".equals(r.host()) && r.message().contains("Timeout"))
            .map(r -> new String(LogRecordJson.encode(r), StandardCharsets.UTF_8))
            .toList();
    assertThat(expected).isNotEmpty();
    assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(lines("archive", "grep", "Timeout", "--dir", archive.toString(), "-n", "3"))
        .hasSize(3);
  }

  @Test
  void verifyPassesOnAGoodArchiveAndFailsOnAGap() throws Exception {
    List<String> ok = lines("archive", "verify", "--deep", "--dir", archive.toString());
    assertThat(ok.get(ok.size() - 1)).startsWith("OK: 3 partitions, ").contains("600 records");

    // A copy with one marker in the middle of a chain removed: offsets in no marker.
    Path copy = tmp.resolve("copy");
    try (Stream<Path> files = Files.walk(archive)) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(archive.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    ArchiveReader reader = new ArchiveReader(new FilesystemObjectStore(copy), "");
    ArchiveReader.Partition part =
        reader.partitions(List.of("logs.app")).stream()
            .max(Comparator.comparingInt(p -> uncheckedLinks(reader, p).size()))
            .orElseThrow();
    List<CommitMarker> links = uncheckedLinks(reader, part);
    assertThat(links.size()).as("markers in %s", part).isGreaterThanOrEqualTo(3);
    CommitMarker middle = links.get(1);
    Files.delete(
        copy.resolve(
            reader
                .keys()
                .markerKey(
                    "logs.app",
                    middle.clusterId(),
                    middle.topicId(),
                    part.partition(),
                    middle.start())));
    out.getBuffer().setLength(0);
    assertThat(run(Map.of(), "archive", "verify", "--dir", copy.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("gap: offsets [" + middle.start() + ", " + middle.end() + ") are in no marker")
        .contains("FAILED: ");
  }

  private static List<CommitMarker> uncheckedLinks(ArchiveReader r, ArchiveReader.Partition p) {
    try {
      return r.chain(p).links();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theSameArchiveReadsTheSameOverS3() {
    Map<String, String> env = new HashMap<>();
    env.put("LOGPIPE_ARCHIVE_S3_ACCESS_KEY_ID", "test-access");
    env.put("LOGPIPE_ARCHIVE_S3_SECRET_ACCESS_KEY", "test-secret");
    String[] s3opts = {"--s3-endpoint", "http://127.0.0.1:" + s3.getPort(), "--s3-bucket", BUCKET};
    List<String> fromDisk = lines("archive", "ls", "--dir", archive.toString());
    out.getBuffer().setLength(0);
    assertThat(run(env, concat(new String[] {"archive", "ls"}, s3opts))).as("%s", err).isZero();
    assertThat(out.toString().lines().toList()).isEqualTo(fromDisk);

    out.getBuffer().setLength(0);
    assertThat(run(env, concat(new String[] {"archive", "verify", "--deep"}, s3opts)))
        .as("%s", err)
        .isZero();
    assertThat(out.toString()).contains("OK: 3 partitions, ").contains("600 records");

    out.getBuffer().setLength(0);
    assertThat(run(env, concat(new String[] {"archive", "cat", "--host", "router-2"}, s3opts)))
        .isZero();
    assertThat(out.toString().lines().toList())
        .containsExactlyInAnyOrderElementsOf(printed(r -> "router-2".equals(r.host())));
  }

  @Test
  void mistakesAreClearUsageErrors() {
    assertThat(run(Map.of(), "archive", "cat", "--dir", archive.toString(), "--from", "yesterday"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'yesterday' is not a time");
    assertThat(
            run(
                Map.of(),
                "archive",
                "cat",
                "--dir",
                archive.toString(),
                "--since",
                "1h",
                "--from",
                "2h"))
        .isEqualTo(2);
    assertThat(run(Map.of(), "archive", "grep", "(", "--dir", archive.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("not a regular expression");
    assertThat(run(Map.of(), "archive", "ls", "--dir", tmp.resolve("nothing").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("no archive in ");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
