package io.logpipe.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code logpipe up}: every role in one process, on the embedded broker unless a cluster is set.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Run everything in one process, on an embedded Kafka broker.",
      "",
      "Starts an embedded single-node Kafka broker (unless kafka.bootstrap_servers is set) with"
          + " its data under ./data/kafka, creates the topics and runs every role: HTTP ingest on"
          + " 127.0.0.1:8080, syslog on 127.0.0.1:5514 (UDP and TCP; TLS on 6514 when"
          + " syslog.tls is configured), archives the app and component topics to"
          + " ./data/archive, runs the search index (./data/index) with its query API on"
          + " the same HTTP server, and the Cloud Foundry nozzle when nozzle.url is set. Stops"
          + " cleanly on Ctrl-C or SIGTERM: intake stops, pending records are flushed and"
          + " archived, the index commits, exit code 0."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  logpipe up",
      "  logpipe up --data-dir /var/lib/logpipe",
      "  logpipe up --config logpipe.yaml",
      "  LOGPIPE_HTTP_LISTEN=0.0.0.0:8080 logpipe up",
      "  LOGPIPE_SYSLOG_TCP_LISTEN=0.0.0.0:5514 LOGPIPE_SYSLOG_UDP_ENABLED=false logpipe up",
      "",
      "Then:",
      "  curl --data-binary @records.ndjson http://127.0.0.1:8080/api/v1/ingest",
      "  logger --tcp --octet-count --rfc5424 --server 127.0.0.1 --port 5514 'hello'",
      "  logger --udp --server 127.0.0.1 --port 5514 'hello over UDP'",
      "  logpipe tail app --from-beginning",
      "  logpipe tail component --from-beginning",
      "  logpipe archive cat --since 1h              (after archive.max_object_age, 30s)",
      "  logpipe logs my-app --recent",
      "  logpipe search 'level:err' --since 1h",
      "  kcat -b 127.0.0.1:9092 -t logs.app -C -e"
    })
final class UpCommand implements Callable<Integer>, Main.EnvironmentAware {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML configuration (default: built-in defaults; env LOGPIPE_CONFIG)")
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "where data is kept (overrides data_dir; default ./data)")
  Path dataDir;

  private Map<String, String> env = Map.of();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> e = new HashMap<>(env);
    if (dataDir != null) {
      e.put("LOGPIPE_DATA_DIR", dataDir.toString());
    }
    Path file = config != null ? config : configFromEnv(env);
    LogpipeConfig c = LogpipeConfig.load(file, e);
    return ServeSupport.serve(c, Role.forUp(c));
  }

  static Path configFromEnv(Map<String, String> env) {
    String c = env.get("LOGPIPE_CONFIG");
    return c == null || c.isBlank() ? null : Path.of(c);
  }
}
