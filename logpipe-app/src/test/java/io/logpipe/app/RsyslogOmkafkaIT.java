package io.logpipe.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.syslog.SyslogParser;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.kafka.TestKafka;
import io.logpipe.kafka.TopicProvisioner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rsyslog omkafka path: real rsyslog with {@code contrib/rsyslog/logpipe-omkafka.conf} writes
 * straight into logpipe's component topic on a real broker, and what it writes decodes with
 * logpipe's codec exactly like the same lines parsed by logpipe's syslog parser (all but the
 * observed time, which each path stamps itself). Lines dated next year and in 2019 arrive too.
 */
class RsyslogOmkafkaIT {
  static final Path HOME =
      Path.of(System.getProperty("logpipe.home", "..")).toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void omkafkaWritesCanonicalRecordsThatMatchLogpipesOwnParser() throws Exception {
    Path rsyslogd = Tools.require("rsyslogd", "rsyslog");
    if (rsyslogd == null || !omkafkaInstalled()) {
      return;
    }
    EmbeddedKafka kafka = TestKafka.start(dir.resolve("kafka"));
    Process rsyslog = null;
    try {
      KafkaSettings settings = TestKafka.settings("");
      try (Admin admin =
          Admin.create(KafkaClients.admin(settings, kafka.bootstrapServers(), "t"))) {
        new TopicProvisioner(admin, Duration.ofSeconds(20))
            .ensure(TopicProvisioner.specs(settings, true), true);
      }
      int port = freePort();
      Path work = Files.createDirectories(dir.resolve("rsyslog"));
      String contrib =
          Files.readString(HOME.resolve("contrib/rsyslog/logpipe-omkafka.conf"))
              .replace("\"127.0.0.1:9092\"", "\"" + kafka.bootstrapServers() + "\"")
              .replace("/var/spool/rsyslog/", work + "/");
      Files.writeString(work.resolve("logpipe-omkafka.conf"), contrib);
      Files.writeString(
          work.resolve("rsyslog.conf"),
          "global(workDirectory=\""
              + work
              + "\" parser.escapeControlCharactersOnReceive=\"off\")\n"
              + "module(load=\"imtcp\")\n"
              + "include(file=\""
              + work.resolve("logpipe-omkafka.conf")
              + "\")\n"
              + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\""
              + port
              + "\" ruleset=\"logpipe\")\n");
      rsyslog =
          new ProcessBuilder(
                  rsyslogd.toString(),
                  "-n",
                  "-f",
                  work.resolve("rsyslog.conf").toString(),
                  "-i",
                  work.resolve("pid").toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("rsyslogd.log").toFile())
              .start();
      awaitListening(port, rsyslog, work.resolve("rsyslogd.log"));

      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      String bsd =
          DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", java.util.Locale.ENGLISH)
              .withZone(ZoneOffset.UTC)
              .format(now);
      List<String> lines =
          List.of(
              "<165>1 " + now + " host-a checkout 1234 ID47 - GET /cart 200 \"quoted\" \\ back",
              "<13>" + bsd + " host-b sshd[999]: Accepted publickey for bob from 10.0.0.7",
              "<11>1 " + now.plus(Duration.ofDays(366)) + " host-c futureapp - - - dated next year",
              "<14>1 2019-03-01T10:00:00.5+02:00 host-d oldapp 77 - - from 2019, clock never set",
              "<134>1 " + now + " router-3 gorouter - - - grüße 日本 tab\there",
              "<30>" + bsd + " cell-9 rep: evacuating 3 containers");
      try (Socket s = new Socket("127.0.0.1", port)) {
        OutputStream out = s.getOutputStream();
        for (String line : lines) {
          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }

      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                got.clear();
                got.addAll(TestKafka.readAll(settings, kafka.bootstrapServers(), "logs.component"));
                assertThat(got).hasSize(lines.size());
              });

      SyslogParser parser = new SyslogParser(SyslogParser.Options.defaults());
      Map<String, LogRecord> expectedByHost = new HashMap<>();
      for (String line : lines) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        LogRecord r = parser.parse(b, 0, b.length, now, "127.0.0.1");
        expectedByHost.put(r.host(), r);
      }
      for (ConsumerRecord<byte[], byte[]> c : got) {
        LogRecord fromRsyslog = LogRecordJson.decode(c.value());
        LogRecord expected = expectedByHost.get(fromRsyslog.host());
        assertThat(expected).as("a line for host %s", fromRsyslog.host()).isNotNull();
        // Compared as canonical JSON, so that a difference shows the field.
        assertThat(json(fromRsyslog.toBuilder().observedTime(expected.observedTime()).build()))
            .as("record from rsyslog omkafka for %s", fromRsyslog.host())
            .isEqualTo(json(expected));
        assertThat(new String(c.key(), StandardCharsets.UTF_8)).isEqualTo(expected.kafkaKey());
      }
      assertThat(expectedByHost.get("host-c").time()).isAfter(now.plus(Duration.ofDays(365)));
      assertThat(expectedByHost.get("host-d").time())
          .isEqualTo(Instant.parse("2019-03-01T08:00:00.5Z"));
    } finally {
      if (rsyslog != null) {
        rsyslog.destroy();
        rsyslog.waitFor(10, TimeUnit.SECONDS);
        rsyslog.destroyForcibly();
      }
      kafka.close();
    }
  }

  static String json(LogRecord r) {
    return new String(LogRecordJson.encode(r), StandardCharsets.UTF_8);
  }

  static boolean omkafkaInstalled() throws IOException {
    for (String p :
        List.of(
            "/usr/lib/x86_64-linux-gnu/rsyslog/omkafka.so",
            "/usr/lib/rsyslog/omkafka.so",
            "/usr/lib/aarch64-linux-gnu/rsyslog/omkafka.so")) {
      if (Files.exists(Path.of(p))) {
        return true;
      }
    }
    return Tools.missing("omkafka (rsyslog-kafka)");
  }

  static void awaitListening(int port, Process p, Path log) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError("rsyslogd exited: " + Files.readString(log));
              }
              try (Socket s = new Socket("127.0.0.1", port)) {
                return s.isConnected();
              } catch (IOException e) {
                return false;
              }
            });
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
