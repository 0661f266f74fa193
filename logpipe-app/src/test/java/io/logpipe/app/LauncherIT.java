package io.logpipe.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's path, through the real launcher: {@code bin/logpipe up}, records in with an HTTP
 * client and with {@code logger} over syslog TCP and UDP, out with kcat and {@code logpipe tail},
 * SIGTERM exits 0, a restart keeps the data.
 */
class LauncherIT {
  static final Path HOME =
      Path.of(System.getProperty("logpipe.home", "..")).toAbsolutePath().normalize();
  static final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void upIngestsRecordsThatKcatAndTailReadAndThatSurviveARestart() throws Exception {
    Map<String, String> env = new HashMap<>();
    String kafka = "127.0.0.1:" + freePort();
    env.put("LOGPIPE_KAFKA_EMBEDDED_LISTEN", kafka);
    env.put("LOGPIPE_KAFKA_EMBEDDED_CONTROLLER_LISTEN", "127.0.0.1:" + freePort());
    int httpPort = freePort();
    env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + httpPort);
    int syslogPort = freeSyslogPort();
    env.put("LOGPIPE_SYSLOG_TCP_LISTEN", "127.0.0.1:" + syslogPort);
    env.put("LOGPIPE_SYSLOG_UDP_LISTEN", "127.0.0.1:" + syslogPort);
    env.put("LOGPIPE_JAVA_OPTS", "-Xmx512m");
    env.put("LOGPIPE_ARCHIVE_MAX_OBJECT_AGE", "1s");
    Path data = dir.resolve("data");
    URI base = URI.create("http://127.0.0.1:" + httpPort);

    Process up = start(env, dir.resolve("up1.log"), "up", "--data-dir", data.toString());
    try {
      awaitHealthy(base, up, dir.resolve("up1.log"));
      String body =
          "{\"app\":\"readme-app\",\"msg\":\"hello from the quick start\"}\n"
              + "{\"app_id\":\"0b5e6f7d-0000-4000-8000-000000000001\",\"app_name\":\"readme-app\","
              + "\"source_type\":\"APP/PROC/WEB\",\"instance\":\"0\",\"stream\":\"err\",\"msg\":\"\\u001b[31mboom\"}\n"
              + "this line is not JSON\n";
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .contains("\"accepted\":2")
          .contains("\"rejected\":1")
          .contains("\"line\":3");

      String tail = run(env, "tail", "app", "--from-beginning", "-e", "-b", kafka);
      assertThat(tail)
          .contains("readme-app hello from the quick start")
          .contains("readme-app [APP/PROC/WEB/0] ERR \\e[31mboom");
      assertThat(run(env, "tail", "dlq", "--from-beginning", "-e", "-b", kafka))
          .contains("this line is not JSON");

      List<String> kcat = kcat(kafka, "logs.app");
      if (kcat != null) {
        assertThat(kcat).hasSize(2);
        assertThat(String.join("\n", kcat)).contains("\"message\":\"hello from the quick start\"");
      }

      // The archive role: the records reach ./data/archive, readable with `logpipe archive`.
      String archive = data.resolve("archive").toString();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(run(env, "archive", "cat", "--dir", archive, "--app", "readme-app"))
                      .contains("readme-app hello from the quick start")
                      .contains("readme-app [APP/PROC/WEB/0] ERR \\e[31mboom"));
      assertThat(run(env, "archive", "verify", "--deep", "--dir", archive))
          .contains("OK: ")
          .contains(", 2 records, 0 orphans");
      String metrics =
          http.send(
                  HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(sum(metrics, "logpipe_archive_records_total", "logs.app")).isEqualTo(2.0);
      for (String perPartition :
          List.of(
              "logpipe_archive_last_offset",
              "logpipe_archive_lag_records",
              "logpipe_archive_lag_seconds",
              "logpipe_archive_objects_total",
              "logpipe_archive_bytes_total",
              "logpipe_archive_upload_seconds_count",
              "logpipe_archive_upload_retries_total",
              "logpipe_archive_partition_buffered_bytes",
              "logpipe_archive_late_records_total")) {
        assertThat(metrics).contains(perPartition + "{partition=\"0\",topic=\"logs.app\"}");
      }
      assertThat(metrics).contains("logpipe_archive_store_retries_total ");

      // The README's syslog examples: logger over TCP (octet-counted RFC 5424) and UDP.
      if (Tools.require("logger", "bsdutils") != null) {
        runTool(
            List.of(
                "logger",
                "--tcp",
                "--octet-count",
                "--rfc5424",
                "--server",
                "127.0.0.1",
                "--port",
                String.valueOf(syslogPort),
                "-t",
                "readme",
                "--id=42",
                "-p",
                "user.warning",
                "hello from logger over TCP"));
        runTool(
            List.of(
                "logger",
                "--udp",
                "--server",
                "127.0.0.1",
                "--port",
                String.valueOf(syslogPort),
                "-t",
                "readme",
                "--id=43",
                "hello from logger over UDP"));
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(run(env, "tail", "component", "--from-beginning", "-e", "-b", kafka))
                        .contains(" readme[42] warning hello from logger over TCP")
                        .contains(" readme[43] notice hello from logger over UDP"));
        assertThat(
                http.send(
                        HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .contains("logpipe_syslog_messages_total{listener=\"tcp\"} 1.0")
            .contains("logpipe_syslog_delivered_total{listener=\"udp\"} 1.0");
      }

      up.destroy(); // SIGTERM
      assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
      assertThat(up.exitValue()).as("exit code after SIGTERM").isZero();
      assertThat(Files.readString(dir.resolve("up1.log"))).contains("stopped cleanly");
    } finally {
      up.destroyForcibly();
    }

    Process again = start(env, dir.resolve("up2.log"), "up", "--data-dir", data.toString());
    try {
      awaitHealthy(base, again, dir.resolve("up2.log"));
      assertThat(run(env, "tail", "app", "--from-beginning", "-e", "-b", kafka))
          .contains("hello from the quick start");
      List<String> kcat = kcat(kafka, "logs.app");
      if (kcat != null) {
        assertThat(kcat).hasSize(2);
      }
      again.destroy();
      assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(again.exitValue()).isZero();
    } finally {
      again.destroyForcibly();
    }
  }

  @Test
  void aPortInUseIsAClearErrorWithExitCode1() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      Map<String, String> env = new HashMap<>();
      env.put("LOGPIPE_KAFKA_EMBEDDED_LISTEN", "127.0.0.1:" + busy.getLocalPort());
      env.put("LOGPIPE_KAFKA_EMBEDDED_CONTROLLER_LISTEN", "127.0.0.1:" + freePort());
      env.put("LOGPIPE_SYSLOG_TCP_LISTEN", "127.0.0.1:" + freePort());
      env.put("LOGPIPE_SYSLOG_UDP_ENABLED", "false");
      env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + freePort());
      Process p =
          start(env, dir.resolve("busy.log"), "up", "--data-dir", dir.resolve("d").toString());
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("busy.log")))
          .contains(
              "logpipe: cannot start: cannot start the embedded Kafka broker: 127.0.0.1:"
                  + busy.getLocalPort())
          .doesNotContain("Exception");
    }
  }

  @Test
  void aSyslogPortInUseIsAClearErrorWithExitCode1() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      Map<String, String> env = new HashMap<>();
      env.put("LOGPIPE_KAFKA_EMBEDDED_LISTEN", "127.0.0.1:" + freePort());
      env.put("LOGPIPE_KAFKA_EMBEDDED_CONTROLLER_LISTEN", "127.0.0.1:" + freePort());
      env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + freePort());
      env.put("LOGPIPE_SYSLOG_UDP_ENABLED", "false");
      env.put("LOGPIPE_SYSLOG_TCP_LISTEN", "127.0.0.1:" + busy.getLocalPort());
      env.put("LOGPIPE_JAVA_OPTS", "-Xmx512m");
      Process p =
          start(
              env, dir.resolve("busy-syslog.log"), "up", "--data-dir", dir.resolve("s").toString());
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("busy-syslog.log")))
          .contains(
              "logpipe: cannot start: cannot listen on 127.0.0.1:"
                  + busy.getLocalPort()
                  + " (syslog.tcp.listen)")
          .doesNotContain("Exception");
    }
  }

  /** The sum of a metric's samples for one topic, from Prometheus text. */
  static double sum(String metrics, String name, String topic) {
    double total = 0;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?m)^"
                    + name
                    + "\\{[^}]*topic=\""
                    + java.util.regex.Pattern.quote(topic)
                    + "\"[^}]*} (\\S+)$")
            .matcher(metrics);
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  static Process start(Map<String, String> env, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(HOME.resolve("bin/logpipe").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static String run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(HOME.resolve("bin/logpipe").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as("exit code of logpipe %s: %s", String.join(" ", args), out)
        .isZero();
    return out;
  }

  static void awaitHealthy(URI base, Process p, Path log) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError("logpipe exited: " + Files.readString(log));
              }
              try {
                return http.send(
                            HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
  }

  /** kcat's output, or null when kcat is not installed and LOGPIPE_REQUIRE_TOOLS is unset. */
  static List<String> kcat(String bootstrap, String topic) throws Exception {
    boolean installed = new ProcessBuilder("sh", "-c", "command -v kcat").start().waitFor() == 0;
    if (!installed) {
      if ("1".equals(System.getenv("LOGPIPE_REQUIRE_TOOLS"))) {
        throw new AssertionError(
            "kcat is not installed and LOGPIPE_REQUIRE_TOOLS=1 (CI installs it)");
      }
      System.err.println("kcat not installed: skipping the kcat part of this test");
      return null;
    }
    Process p = new ProcessBuilder("kcat", "-b", bootstrap, "-t", topic, "-C", "-e", "-q").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  /** Runs a command (not logpipe) to its end and checks it succeeded. */
  static void runTool(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit code of %s: %s", command, out).isZero();
  }

  /** A port free for both TCP and UDP (syslog listens on both). */
  static int freeSyslogPort() throws IOException {
    for (int i = 0; i < 50; i++) {
      int port = freePort();
      try (java.net.DatagramSocket udp =
          new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
        return udp.getLocalPort();
      } catch (java.net.SocketException taken) {
        // try another
      }
    }
    throw new IOException("no port free for both TCP and UDP");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
