package io.logpipe.nozzle;

import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import io.logpipe.core.config.Durations;
import io.logpipe.core.config.Secret;
import io.logpipe.nozzle.envelope.EnvelopeType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code nozzle} section of the configuration: where the platform's log stream is, how to
 * authenticate, what to take from it and where it goes. See {@code docs/nozzle.md}.
 *
 * @param api which loggregator API: v2 (the RLP gateway, Server-Sent Events) or v1 (the firehose
 *     WebSocket)
 * @param url the RLP gateway ({@code https://log-stream.<system domain>}) or the traffic controller
 *     ({@code wss://doppler.<system domain>:443}); null when the nozzle is not configured
 * @param shardId the shard id (v2) or subscription id (v1): instances with the same id split the
 *     stream, different ids each get all of it
 * @param connections streams this process opens with that id (they split the stream too)
 * @param eventTypes which envelopes to ask for; {@code log} ones become app records, the others go
 *     to the metrics topic
 * @param sourceIds v2 only: read only these source ids (app GUIDs); empty for the whole firehose
 * @param uaa how to get a token
 * @param tls how to trust the platform's HTTPS and WSS endpoints
 * @param connectTimeout how long a connection (TCP, TLS, HTTP or WebSocket handshake) may take
 * @param readTimeout a stream silent for this long is closed and opened again (the gateway sends a
 *     heartbeat every 15 s, the traffic controller pings about as often)
 * @param reconnectBackoff the first delay before connecting again
 * @param reconnectMaxBackoff the longest delay between attempts
 * @param maxMessageSize the largest SSE event or WebSocket message
 * @param queueCapacity records held between the stream and Kafka; when full, records are dropped
 *     and counted
 * @param dropLogInterval at most one log line per interval while records are dropped
 * @param filters which apps, spaces and orgs to keep
 * @param cloudController app, space and org names from the Cloud Controller
 * @param metricsTopic where counter, gauge, timer and event envelopes go
 */
public record NozzleSettings(
    Api api,
    URI url,
    String shardId,
    int connections,
    Set<EnvelopeType> eventTypes,
    List<String> sourceIds,
    Uaa uaa,
    Tls tls,
    Duration connectTimeout,
    Duration readTimeout,
    Duration reconnectBackoff,
    Duration reconnectMaxBackoff,
    DataSize maxMessageSize,
    int queueCapacity,
    Duration dropLogInterval,
    Filters filters,
    CloudController cloudController,
    MetricsTopic metricsTopic) {

  /** The loggregator API the nozzle reads. */
  public enum Api {
    /** The RLP gateway: {@code GET /v2/read}, Server-Sent Events with JSON envelope batches. */
    V2,
    /** The traffic controller's firehose: a WebSocket of protobuf dropsonde envelopes. */
    V1;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The UAA client that gets tokens ({@code client_credentials} grant).
   *
   * @param url UAA's base URL ({@code https://uaa.<system domain>}); the token endpoint is {@code
   *     /oauth/token} below it
   * @param clientId the client; it needs scope {@code doppler.firehose} (or {@code logs.admin} for
   *     v2), and {@code cloud_controller.admin_read_only} or {@code
   *     cloud_controller.global_auditor} for names
   * @param clientSecret its secret
   * @param refreshMargin a token with less than this left is renewed before it is used (at most
   *     half of its lifetime)
   */
  public record Uaa(URI url, String clientId, Secret clientSecret, Duration refreshMargin) {}

  /**
   * TLS trust for the platform's endpoints.
   *
   * @param caFile PEM certificates to trust instead of the JVM's; null for the JVM's
   * @param skipVerify trust any certificate and host name (for test foundations only)
   */
  public record Tls(Path caFile, boolean skipVerify) {}

  /**
   * Which records to keep, by org, space and app; each entry matches a GUID or a name. Empty
   * include lists keep everything not excluded.
   *
   * @param includeOrgs keep only these orgs
   * @param includeSpaces keep only these spaces
   * @param includeApps keep only these apps
   * @param excludeOrgs drop these orgs
   * @param excludeSpaces drop these spaces
   * @param excludeApps drop these apps
   * @param keepUnknown when an include or exclude list names orgs or spaces and a record's org or
   *     space is not known (yet), keep it (true) or drop it (false)
   */
  public record Filters(
      List<String> includeOrgs,
      List<String> includeSpaces,
      List<String> includeApps,
      List<String> excludeOrgs,
      List<String> excludeSpaces,
      List<String> excludeApps,
      boolean keepUnknown) {

    /** True if no filter is set. */
    public boolean none() {
      return includeOrgs.isEmpty()
          && includeSpaces.isEmpty()
          && includeApps.isEmpty()
          && excludeOrgs.isEmpty()
          && excludeSpaces.isEmpty()
          && excludeApps.isEmpty();
    }
  }

  /**
   * Names from the Cloud Controller v3 API ({@code GET
   * /v3/apps?guids=...&include=space.organization}).
   *
   * @param url the API ({@code https://api.<system domain>}); null for no lookups (names then come
   *     only from envelope tags)
   * @param ttl how long names are kept before they are looked up again (stale names are used
   *     meanwhile)
   * @param missingTtl how long an app the API does not know is not asked for again
   * @param errorBackoff how long apps are not asked for after the API failed
   * @param maxConcurrency requests at a time
   * @param requestsPerSecond the request budget
   * @param batchSize apps asked for in one request
   * @param maxEntries apps kept in the cache
   * @param requestTimeout how long one request may take
   */
  public record CloudController(
      URI url,
      Duration ttl,
      Duration missingTtl,
      Duration errorBackoff,
      int maxConcurrency,
      int requestsPerSecond,
      int batchSize,
      int maxEntries,
      Duration requestTimeout) {}

  /**
   * The topic of metric and event envelopes (counter, gauge, timer, event), provisioned when any of
   * them is selected.
   *
   * @param name the topic
   * @param partitions partitions when logpipe creates it
   * @param retention how long Kafka keeps them
   */
  public record MetricsTopic(String name, int partitions, Duration retention) {}

  /** True when a log stream is configured ({@code nozzle.url} set). */
  public boolean configured() {
    return url != null;
  }

  /** True when envelopes other than logs are selected (so the metrics topic is used). */
  public boolean wantsMetrics() {
    return eventTypes.stream().anyMatch(t -> t != EnvelopeType.LOG);
  }

  /** Reads the {@code nozzle} section, reporting every problem with its key path. */
  public static NozzleSettings from(ConfigNode n) {
    Api api = Api.valueOf(n.oneOf("api", "v2", List.of("v2", "v1")).toUpperCase(Locale.ROOT));
    String urlText = n.string("url", "").trim();
    URI url = urlText.isEmpty() ? null : uri(n, "url", urlText);
    if (url != null) {
      List<String> schemes = api == Api.V2 ? List.of("https", "http") : List.of("wss", "ws");
      if (!schemes.contains(lower(url.getScheme()))) {
        n.problem(
            "url",
            "\""
                + urlText
                + "\" is not a "
                + String.join(" or ", schemes)
                + " URL (nozzle.api is "
                + api.id()
                + ")");
      }
    }
    String shard = n.string("shard_id", "logpipe").trim();
    if (shard.isEmpty() || shard.length() > 256) {
      n.problem("shard_id", "must be 1 to 256 characters");
    }
    int connections = n.integer("connections", 2, 1, 64);
    List<String> typeNames = n.stringList("event_types", List.of("log"));
    Set<EnvelopeType> types = EnumSet.noneOf(EnvelopeType.class);
    for (String t : typeNames) {
      EnvelopeType type = EnvelopeType.fromId(t.toLowerCase(Locale.ROOT));
      if (type == null) {
        n.problem("event_types", "\"" + t + "\" is not one of log, counter, gauge, timer, event");
      } else {
        types.add(type);
      }
    }
    if (types.isEmpty()) {
      types.add(EnvelopeType.LOG);
      if (typeNames.isEmpty()) {
        n.problem("event_types", "must name at least one of log, counter, gauge, timer, event");
      }
    }
    List<String> sourceIds = n.stringList("source_ids", List.of());
    if (api == Api.V1 && !sourceIds.isEmpty()) {
      n.problem("source_ids", "only the v2 API reads chosen source ids; the v1 firehose is whole");
    }

    ConfigNode u = n.section("uaa");
    String uaaText = u.string("url", "").trim();
    Uaa uaa =
        new Uaa(
            uaaText.isEmpty() ? null : uri(u, "url", uaaText),
            u.string("client_id", "").trim(),
            new Secret(u.string("client_secret", "")),
            u.duration(
                "refresh_margin", Duration.ofMinutes(1), Duration.ZERO, Duration.ofHours(1)));
    if (uaa.url() != null && !List.of("https", "http").contains(lower(uaa.url().getScheme()))) {
      u.problem("url", "\"" + uaaText + "\" is not an https or http URL");
    }
    if (url != null) {
      if (uaa.url() == null) {
        u.problem("url", "required when nozzle.url is set (https://uaa.<system domain>)");
      }
      if (uaa.clientId().isEmpty()) {
        u.problem("client_id", "required when nozzle.url is set");
      }
      if (uaa.clientSecret().isEmpty()) {
        u.problem(
            "client_secret",
            "required when nozzle.url is set (LOGPIPE_NOZZLE_UAA_CLIENT_SECRET keeps it out of"
                + " files)");
      }
    }

    ConfigNode t = n.section("tls");
    String ca = t.string("ca_file", "").trim();
    Tls tls = new Tls(ca.isEmpty() ? null : Path.of(ca), t.bool("skip_verify", false));
    if (tls.caFile() != null && !Files.isReadable(tls.caFile())) {
      t.problem("ca_file", tls.caFile() + " does not exist or is not readable");
    }

    Duration connectTimeout =
        n.duration(
            "connect_timeout",
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            Duration.ofMinutes(5));
    Duration readTimeout =
        n.duration(
            "read_timeout", Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofHours(1));
    ConfigNode r = n.section("reconnect");
    Duration backoff =
        r.duration(
            "initial_backoff",
            Duration.ofMillis(500),
            Duration.ofMillis(1),
            Duration.ofMinutes(10));
    Duration maxBackoff =
        r.duration("max_backoff", Duration.ofMinutes(1), Duration.ofMillis(1), Duration.ofHours(1));
    if (maxBackoff.compareTo(backoff) < 0) {
      r.problem(
          "max_backoff",
          Durations.format(maxBackoff)
              + " is shorter than initial_backoff "
              + Durations.format(backoff));
    }
    DataSize maxMessage =
        n.size(
            "max_message_size",
            DataSize.ofMebibytes(16),
            DataSize.ofKibibytes(64),
            DataSize.ofMebibytes(256));
    int queue = n.integer("queue_capacity", 20_000, 100, 10_000_000);
    Duration dropLog =
        n.duration(
            "drop_log_interval",
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofHours(1));

    ConfigNode f = n.section("filters");
    Filters filters =
        new Filters(
            f.stringList("include_orgs", List.of()),
            f.stringList("include_spaces", List.of()),
            f.stringList("include_apps", List.of()),
            f.stringList("exclude_orgs", List.of()),
            f.stringList("exclude_spaces", List.of()),
            f.stringList("exclude_apps", List.of()),
            f.oneOf("unknown", "keep", List.of("keep", "drop")).equals("keep"));

    ConfigNode c = n.section("cloud_controller");
    String ccText = c.string("url", "").trim();
    CloudController cc =
        new CloudController(
            ccText.isEmpty() ? null : uri(c, "url", ccText),
            c.duration("ttl", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7)),
            c.duration(
                "missing_ttl", Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofDays(1)),
            c.duration(
                "error_backoff",
                Duration.ofSeconds(30),
                Duration.ofMillis(10),
                Duration.ofHours(1)),
            c.integer("max_concurrency", 2, 1, 64),
            c.integer("requests_per_second", 10, 1, 10_000),
            c.integer("batch_size", 50, 1, 500),
            c.integer("max_entries", 100_000, 100, 10_000_000),
            c.duration(
                "request_timeout",
                Duration.ofSeconds(10),
                Duration.ofMillis(100),
                Duration.ofMinutes(5)));
    if (cc.url() != null && !List.of("https", "http").contains(lower(cc.url().getScheme()))) {
      c.problem("url", "\"" + ccText + "\" is not an https or http URL");
    }
    if (cc.url() != null && url != null && uaa.url() == null) {
      c.problem("url", "needs nozzle.uaa for a token");
    }

    ConfigNode m = n.section("metrics_topic");
    String topic = m.string("name", "cf.metrics");
    if (!topic.matches("[A-Za-z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
      m.problem(
          "name", "\"" + topic + "\" is not a valid Kafka topic name ([A-Za-z0-9._-], 1..249)");
      topic = "cf.metrics";
    }
    MetricsTopic metricsTopic =
        new MetricsTopic(
            topic,
            m.integer("partitions", 6, 1, 10_000),
            m.duration(
                "retention", Duration.ofDays(3), Duration.ofMinutes(1), Duration.ofDays(3650)));

    return new NozzleSettings(
        api,
        url,
        shard,
        connections,
        Set.copyOf(types),
        sourceIds,
        uaa,
        tls,
        connectTimeout,
        readTimeout,
        backoff,
        maxBackoff,
        maxMessage,
        queue,
        dropLog,
        filters,
        cc,
        metricsTopic);
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  private static URI uri(ConfigNode n, String key, String text) {
    try {
      URI u = new URI(text);
      if (u.getHost() == null) {
        n.problem(key, "\"" + text + "\" has no host");
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      n.problem(key, "\"" + text + "\" is not a URL: " + e.getReason());
      return null;
    }
  }

  /** The selected types in a stable order, for logs and URLs. */
  public List<EnvelopeType> eventTypeList() {
    List<EnvelopeType> out = new ArrayList<>();
    for (EnvelopeType t : EnvelopeType.values()) {
      if (eventTypes.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }
}
