package io.logpipe.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line as a user meets it: help, exit codes, config commands. */
class MainTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine(env);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "up",
        "run",
        "tail",
        "config",
        "archive",
        "archive ls",
        "archive cat",
        "archive grep",
        "archive verify"
      })
  void everyCommandHasHelpWithExamples(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");
    assertThat(run(Map.of(), args.toArray(String[]::new))).isZero();
    assertThat(out.toString()).contains("Usage: logpipe " + command).contains("Examples:");
  }

  @Test
  void configDefaultsPrintsTheCommentedDefaults() {
    assertThat(run(Map.of(), "config", "defaults")).isZero();
    assertThat(out.toString()).isEqualTo(LogpipeConfig.defaultsText()).contains("# ");
  }

  @Test
  void configValidateSaysOkForAGoodFile() throws Exception {
    Path f = dir.resolve("ok.yaml");
    Files.writeString(f, "http: {listen: 0.0.0.0:8081}\n");
    assertThat(run(Map.of(), "config", "validate", f.toString())).isZero();
    assertThat(out.toString())
        .startsWith(f + ": OK")
        .contains("HTTP on 0.0.0.0:8081")
        .contains("syslog UDP 127.0.0.1:5514, TCP 127.0.0.1:5514");
  }

  @Test
  void configValidateListsEveryProblemAndExits2() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "http: {listen: nowhere, workers: many}\nkafak: {}\n");
    assertThat(run(Map.of(), "config", "validate", f.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("has 3 problems")
        .contains("http.listen: \"nowhere\" is not host:port")
        .contains("http.workers: \"many\" is not a whole number")
        .contains("kafak: unknown key (did you mean 'kafka'?)");
  }

  @Test
  void runNeedsAClusterAndKnownRoles() {
    assertThat(run(Map.of(), "run", "--roles", "ingest-http")).isEqualTo(2);
    assertThat(err.toString())
        .contains("kafka.bootstrap_servers: `logpipe run` needs a Kafka cluster");
    assertThat(run(Map.of(), "run", "--roles", "archiver")).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown role 'archiver'; roles are: ingest-http, ingest-syslog");
  }

  @Test
  void theNozzleRoleNeedsAStreamToRead() {
    assertThat(
            run(
                Map.of("LOGPIPE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"),
                "run",
                "--roles",
                "nozzle"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("nozzle.url: the nozzle role needs the RLP gateway");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertThat(run(Map.of(), "frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("logpipe: Unmatched argument");
  }

  @Test
  void versionNamesKafkaAndJava() {
    assertThat(run(Map.of(), "version")).isZero();
    assertThat(out.toString()).contains("logpipe ").contains("Kafka 4.").contains("Java ");
  }
}
