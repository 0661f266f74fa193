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
 * client, out with kcat and {@code logpipe tail}, SIGTERM exits 0, a restart keeps the data.
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
    env.put("LOGPIPE_JAVA_OPTS", "-Xmx512m");
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

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
