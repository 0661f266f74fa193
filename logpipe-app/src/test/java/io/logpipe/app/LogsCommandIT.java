package io.logpipe.app;

import static io.logpipe.app.LauncherIT.awaitHealthy;
import static io.logpipe.app.LauncherIT.freePort;
import static io.logpipe.app.LauncherIT.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's search tour through the real launcher: lines in over HTTP, {@code logpipe logs APP
 * --recent}, {@code logpipe search}, a malformed query, and {@code logpipe logs -f} following
 * across a restart of the server.
 */
class LogsCommandIT {
  static final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  record Result(int exit, String out) {}

  static Result run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(LauncherIT.HOME.resolve("bin/logpipe").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  static void ingest(URI base, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void logsShowsHistoryEscapedAndFollowsAcrossARestart() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("LOGPIPE_KAFKA_EMBEDDED_LISTEN", "127.0.0.1:" + freePort());
    env.put("LOGPIPE_KAFKA_EMBEDDED_CONTROLLER_LISTEN", "127.0.0.1:" + freePort());
    int httpPort = freePort();
    env.put("LOGPIPE_HTTP_LISTEN", "127.0.0.1:" + httpPort);
    env.put("LOGPIPE_SYSLOG_TCP_ENABLED", "false");
    env.put("LOGPIPE_SYSLOG_UDP_ENABLED", "false");
    env.put("LOGPIPE_INDEX_REFRESH_INTERVAL", "200ms");
    env.put("LOGPIPE_JAVA_OPTS", "-Xmx512m");
    Path data = dir.resolve("data");
    URI base = URI.create("http://127.0.0.1:" + httpPort);

    Process up = start(env, dir.resolve("up1.log"), "up", "--data-dir", data.toString());
    Process follow = null;
    List<String> followed = new CopyOnWriteArrayList<>();
    try {
      awaitHealthy(base, up, dir.resolve("up1.log"));
      ingest(
          base,
          "{\"app\":\"my-app\",\"source_type\":\"APP/PROC/WEB\",\"instance\":\"0\","
              + "\"time\":\"2026-11-26T10:15:30.123Z\",\"msg\":\"hello from curl\"}\n"
              + "{\"app\":\"my-app\",\"source_type\":\"APP/PROC/WEB\",\"instance\":\"0\","
              + "\"time\":\"2026-11-26T10:15:31Z\",\"stream\":\"err\","
              + "\"msg\":\"\\u001b[2J\\u001b]0;pwned\\u0007boom\\rforged line\"}\n"
              + "{\"app\":\"other-app\",\"msg\":\"not for my-app\"}\n"
              + "{\"host\":\"router-1\",\"program\":\"gorouter\",\"level\":\"warn\","
              + "\"msg\":\"backend 10.0.0.7 slow\"}\n");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(run(env, "logs", "my-app", "--recent").out()).contains("boom"));

      Result recent = run(env, "logs", "my-app", "--recent");
      assertThat(recent.exit()).isZero();
      assertThat(recent.out().lines().toList())
          .containsExactly(
              "2026-11-26T10:15:30.123Z [APP/PROC/WEB/0] OUT hello from curl",
              "2026-11-26T10:15:31Z [APP/PROC/WEB/0] ERR \\e[2J\\e]0;pwned\\x07boom\\rforged line");
      assertThat(recent.out()).doesNotContain("\u001b").doesNotContain("\r");

      assertThat(run(env, "logs", "my-app", "--recent", "--raw").out()).contains("\u001b[2J");
      assertThat(run(env, "logs", "my-app", "--recent", "--json").out())
          .contains("\"message\":\"\\u001B[2J\\u001B]0;pwned\\u0007boom\\rforged line\"");
      assertThat(run(env, "logs", "my-app", "--since", "3650d", "--grep", "hello").out().lines())
          .containsExactly("2026-11-26T10:15:30.123Z [APP/PROC/WEB/0] OUT hello from curl");

      Result search = run(env, "search", "10.0.0.7 OR level:warn");
      assertThat(search.exit()).isZero();
      assertThat(search.out()).contains("router-1 gorouter warning backend 10.0.0.7 slow");

      Result bad = run(env, "search", "backend AND (slow");
      assertThat(bad.exit()).isEqualTo(2);
      assertThat(bad.out())
          .contains("'(' at position 12 is never closed")
          .contains("  backend AND (slow\n              ^");

      ProcessBuilder fb =
          new ProcessBuilder(
                  LauncherIT.HOME.resolve("bin/logpipe").toString(), "logs", "my-app", "-f")
              .redirectErrorStream(true);
      fb.environment().putAll(env);
      follow = fb.start();
      Process f = follow;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(f.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    followed.add(line);
                  }
                } catch (Exception e) {
                  // process ended
                }
              });
      reader.setDaemon(true);
      reader.start();
      // -f shows only new lines; send until one arrives (the tail starts after its first connect).
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                ingest(base, "{\"app\":\"my-app\",\"msg\":\"live one\"}");
                assertThat(followed).anyMatch(l -> l.endsWith("[APP] OUT live one"));
              });

      up.destroy();
      assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(up.exitValue()).isZero();
      up = start(env, dir.resolve("up2.log"), "up", "--data-dir", data.toString());
      awaitHealthy(base, up, dir.resolve("up2.log"));
      ingest(base, "{\"app\":\"my-app\",\"msg\":\"after the restart\"}");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(followed).anyMatch(l -> l.endsWith("[APP] OUT after the restart")));
      assertThat(followed).anyMatch(l -> l.contains("reconnect"));
      assertThat(followed.stream().filter(l -> l.endsWith("after the restart"))).hasSize(1);

      // The restarted index resumed from its own offsets: nothing twice.
      Result again = run(env, "logs", "my-app", "--recent");
      assertThat(again.out().lines().filter(l -> l.contains("hello from curl"))).hasSize(1);
      assertThat(Files.readString(dir.resolve("up1.log"))).contains("stopped cleanly");
    } finally {
      if (follow != null) {
        follow.destroyForcibly();
      }
      up.destroy();
      up.waitFor(60, TimeUnit.SECONDS);
      up.destroyForcibly();
    }
  }
}
