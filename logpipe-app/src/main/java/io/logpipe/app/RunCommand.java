package io.logpipe.app;

import io.logpipe.core.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logpipe run}: chosen roles against an external Kafka cluster (production). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Run chosen roles against an existing Kafka cluster (production).",
      "",
      "One role or a few per process, scaled out by running more processes. Needs"
          + " kafka.bootstrap_servers. Every process serves /healthz and /metrics on http.listen."
    },
    footerHeading = "%nRoles:%n",
    footer = {
      "  ingest-http     NDJSON records over HTTP (POST /api/v1/ingest) into Kafka",
      "  ingest-syslog   syslog over UDP and TCP (port 5514) and TLS (when configured) into Kafka",
      "  archive         Kafka to object storage (archive.store: filesystem or s3), exactly once;"
          + " scale out by running more in the same archive.group_id",
      "  index           the search index (from Kafka) and the query API (/api/v1/search, /tail)",
      "  nozzle          Cloud Foundry app logs from loggregator (RLP gateway or firehose) into"
          + " Kafka; needs nozzle.url",
      "",
      "Examples:",
      "  logpipe run --config prod.yaml --roles ingest-http",
      "  logpipe run --config prod.yaml --roles ingest-syslog,ingest-http",
      "  logpipe run --config prod.yaml --roles archive",
      "  LOGPIPE_KAFKA_BOOTSTRAP_SERVERS=kafka-1:9092,kafka-2:9092 logpipe run --roles ingest-http",
      "  LOGPIPE_NOZZLE_URL=https://log-stream.sys.example.com LOGPIPE_NOZZLE_UAA_URL=https://uaa.sys.example.com \\",
      "    LOGPIPE_NOZZLE_UAA_CLIENT_ID=logpipe LOGPIPE_NOZZLE_UAA_CLIENT_SECRET=... logpipe run --roles nozzle"
    })
final class RunCommand implements Callable<Integer>, Main.EnvironmentAware {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML configuration (env LOGPIPE_CONFIG)")
  Path config;

  @Option(
      names = {"-r", "--roles"},
      required = true,
      paramLabel = "ROLE[,ROLE...]",
      description = "what this process does (see below)")
  String roles;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private Map<String, String> env = Map.of();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Set<Role> chosen;
    try {
      chosen = Role.parse(roles);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path file = config != null ? config : UpCommand.configFromEnv(env);
    LogpipeConfig c = LogpipeConfig.load(file, env);
    if (c.kafka().useEmbedded()) {
      throw new ConfigException(
          file == null ? "configuration" : file.toString(),
          List.of(
              "kafka.bootstrap_servers: `logpipe run` needs a Kafka cluster; set it (or"
                  + " LOGPIPE_KAFKA_BOOTSTRAP_SERVERS), or use `logpipe up` for the embedded broker"));
    }
    if (chosen.contains(Role.NOZZLE) && !c.nozzle().configured()) {
      throw new ConfigException(
          file == null ? "configuration" : file.toString(),
          List.of(
              "nozzle.url: the nozzle role needs the RLP gateway (https://log-stream.<system"
                  + " domain>) or, with nozzle.api v1, the traffic controller"
                  + " (wss://doppler.<system domain>:443); set it (or LOGPIPE_NOZZLE_URL)"));
    }
    return ServeSupport.serve(c, chosen);
  }
}
