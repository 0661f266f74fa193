package io.logpipe.app;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a logpipe process does. {@code logpipe up} runs every role; {@code logpipe run --roles} runs
 * the chosen ones. Every process serves {@code /healthz} and {@code /metrics}.
 */
public enum Role {
  /** {@code POST /api/v1/ingest}: NDJSON records over HTTP into Kafka. */
  INGEST_HTTP("ingest-http", "NDJSON records over HTTP (POST /api/v1/ingest) into Kafka"),

  /** The syslog listeners: UDP, TCP and (when configured) TLS. */
  INGEST_SYSLOG(
      "ingest-syslog", "syslog over UDP and TCP (port 5514) and TLS (when configured) into Kafka"),

  /** The archive: the app and component topics into object storage (filesystem or S3). */
  ARCHIVE("archive", "Kafka to object storage (./data/archive or S3), exactly once, by event hour"),

  /** The embedded search index, filled from Kafka, and the query API (search, histogram, tail). */
  INDEX(
      "index",
      "the search index (from Kafka, days under data/index) and the query API (/api/v1/search,"
          + " /api/v1/tail)"),

  /**
   * The Cloud Foundry nozzle: app logs from loggregator (v2 RLP gateway or v1 firehose). Needs
   * {@code nozzle.url}; {@code logpipe up} runs it only when that is set.
   */
  NOZZLE(
      "nozzle",
      "Cloud Foundry app logs from loggregator (RLP gateway or firehose) into Kafka; needs"
          + " nozzle.url");

  private final String id;
  private final String description;

  Role(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The name used on the command line. */
  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** Every role. */
  public static Set<Role> all() {
    return new LinkedHashSet<>(Arrays.asList(values()));
  }

  /**
   * The roles {@code logpipe up} runs: every role, except the nozzle unless a log stream is
   * configured ({@code nozzle.url}); there is no platform to read from otherwise.
   */
  public static Set<Role> forUp(LogpipeConfig config) {
    Set<Role> roles = all();
    if (!config.nozzle().configured()) {
      roles.remove(NOZZLE);
    }
    return roles;
  }

  /**
   * Parses a comma-separated list of role names.
   *
   * @throws IllegalArgumentException naming the unknown role and listing the known ones
   */
  public static Set<Role> parse(String list) {
    Set<Role> out = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      Role match = Arrays.stream(values()).filter(r -> r.id.equals(name)).findFirst().orElse(null);
      if (match == null) {
        throw new IllegalArgumentException(
            "unknown role '" + part.trim() + "'; roles are: " + names());
      }
      out.add(match);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no role given; roles are: " + names());
    }
    return out;
  }

  static String names() {
    return Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "));
  }
}
