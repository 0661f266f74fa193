package io.logpipe.app;

import io.logpipe.archive.ArchiveSettings;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.http.HttpSettings;
import io.logpipe.index.IndexSettings;
import io.logpipe.kafka.KafkaSettings;
import io.logpipe.nozzle.NozzleSettings;
import io.logpipe.syslog.SyslogSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The whole configuration, read once at start-up from one YAML file and the environment. Every key
 * has a default ({@code logpipe config defaults} prints them all, commented); every problem is
 * reported at once with its key path.
 *
 * @param dataDir where logpipe keeps its data
 * @param datacenter stamped on records that enter here; null for none
 * @param shutdownGrace how long a stop waits for work in progress
 * @param kafka the hub
 * @param http the HTTP server
 * @param syslog the syslog listeners
 * @param archive the archive role (directories and topics not yet resolved: see {@link
 *     #archiveSettings()})
 * @param index the search index and the query API
 * @param nozzle the Cloud Foundry nozzle
 */
public record LogpipeConfig(
    Path dataDir,
    String datacenter,
    Duration shutdownGrace,
    KafkaSettings kafka,
    HttpSettings http,
    SyslogSettings syslog,
    ArchiveSettings archive,
    IndexSettings index,
    NozzleSettings nozzle) {

  /** The commented defaults file shipped with logpipe. */
  public static final String DEFAULTS_RESOURCE = "/logpipe-defaults.yaml";

  /**
   * Reads a configuration tree; throws {@link io.logpipe.core.config.ConfigException} listing every
   * problem.
   */
  public static LogpipeConfig from(ConfigNode root) {
    Path dataDir = Path.of(root.string("data_dir", "./data")).normalize();
    String dc = root.string("datacenter", "");
    Duration grace =
        root.duration(
            "shutdown_grace", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10));
    KafkaSettings kafka = KafkaSettings.from(root.section("kafka"));
    HttpSettings http = HttpSettings.from(root.section("http"));
    SyslogSettings syslog = SyslogSettings.from(root.section("syslog"));
    ArchiveSettings archive = ArchiveSettings.from(root.section("archive"));
    IndexSettings index = IndexSettings.from(root.section("index"));
    NozzleSettings nozzle = NozzleSettings.from(root.section("nozzle"));
    root.finish();
    return new LogpipeConfig(
        dataDir, dc.isBlank() ? null : dc, grace, kafka, http, syslog, archive, index, nozzle);
  }

  /**
   * Loads a file (or only defaults and environment when {@code file} is null).
   *
   * @throws io.logpipe.core.config.ConfigException listing every problem
   */
  public static LogpipeConfig load(Path file, Map<String, String> env) {
    if (file == null) {
      return from(ConfigNode.root(null, env, "configuration (defaults and environment)"));
    }
    return from(ConfigNode.root(ConfigFiles.read(file), env, file.toString()));
  }

  /** The defaults file's text. */
  public static String defaultsText() {
    try (InputStream in = LogpipeConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the index keeps its day directories. */
  public Path indexDir() {
    return index.dir() != null ? index.dir() : dataDir.resolve("index");
  }

  /**
   * The archive settings with the defaults that depend on the rest filled in: the store and staging
   * directories under {@link #dataDir}, and the app and component topics.
   */
  public ArchiveSettings archiveSettings() {
    return archive.resolve(
        dataDir, java.util.List.of(kafka.topics().app().name(), kafka.topics().component().name()));
  }

  /** Where the embedded broker keeps its data. */
  public Path embeddedKafkaDir() {
    Path d = kafka.embedded().dataDir();
    return d != null ? d : dataDir.resolve("kafka");
  }
}
