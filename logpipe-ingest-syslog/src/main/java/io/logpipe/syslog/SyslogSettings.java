package io.logpipe.syslog;

import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import io.logpipe.core.config.Durations;
import io.logpipe.core.config.HostPort;
import io.logpipe.core.syslog.SyslogFramer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * The {@code syslog} section of the configuration: the listeners and their limits.
 *
 * @param udp the UDP listener (RFC 5426): one datagram is one message
 * @param tcp the plain TCP listener (RFC 6587 framing)
 * @param tls the TLS listener (RFC 5425)
 * @param maxMessageSize the longest message; longer ones are cut there and flagged
 * @param maxOctetCount an octet count above this closes the connection (it cannot be a real frame)
 * @param maxConnections open TCP and TLS connections (together) above which new ones are closed
 * @param idleTimeout a TCP or TLS connection that sends nothing for this long is closed (not while
 *     logpipe itself paused reading it)
 * @param connectionBuffer the most bytes read from one connection at once
 * @param threads network threads that read, frame and parse; 0 means one per core
 * @param defaultTimeZone the zone of timestamps without offset (RFC 3164)
 * @param retryBackoff the first delay before a TCP or TLS record Kafka did not acknowledge is sent
 *     again
 * @param retryMaxBackoff the longest delay between such retries
 */
public record SyslogSettings(
    Udp udp,
    Tcp tcp,
    Tls tls,
    DataSize maxMessageSize,
    DataSize maxOctetCount,
    int maxConnections,
    Duration idleTimeout,
    DataSize connectionBuffer,
    int threads,
    ZoneId defaultTimeZone,
    Duration retryBackoff,
    Duration retryMaxBackoff) {

  /** The default port of syslog over UDP and TCP in logpipe (514 needs root). */
  public static final int DEFAULT_PORT = 5514;

  /** The IANA port of syslog over TLS (RFC 5425). */
  public static final int DEFAULT_TLS_PORT = 6514;

  /**
   * @param enabled run it
   * @param listen where it binds; loopback by default
   * @param receiveBuffer the socket receive buffer asked of the kernel (SO_RCVBUF); datagrams that
   *     arrive while it is full are dropped by the kernel and counted
   */
  public record Udp(boolean enabled, HostPort listen, DataSize receiveBuffer) {}

  /**
   * @param enabled run it
   * @param listen where it binds; loopback by default
   */
  public record Tcp(boolean enabled, HostPort listen) {}

  /**
   * @param enabled run it
   * @param listen where it binds; loopback by default
   * @param certFile the server certificate chain, PEM; null when not set
   * @param keyFile the server's private key, PEM (PKCS#8); null when not set
   * @param clientCaFile CA certificates that client certificates must chain to, PEM; null when not
   *     set
   * @param clientAuth whether clients must present a certificate
   */
  public record Tls(
      boolean enabled,
      HostPort listen,
      Path certFile,
      Path keyFile,
      Path clientCaFile,
      ClientAuth clientAuth) {}

  /** Whether TLS clients present a certificate. */
  public enum ClientAuth {
    /** Not asked for. */
    NONE,
    /** Asked for and checked if given. */
    OPTIONAL,
    /** Required and checked. */
    REQUIRED;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Reads the {@code syslog} section, reporting every problem with its key path. */
  public static SyslogSettings from(ConfigNode syslog) {
    ConfigNode u = syslog.section("udp");
    Udp udp =
        new Udp(
            u.bool("enabled", true),
            u.hostPort("listen", new HostPort("127.0.0.1", DEFAULT_PORT)),
            u.size(
                "receive_buffer",
                DataSize.ofMebibytes(4),
                DataSize.ofKibibytes(4),
                DataSize.ofGibibytes(1)));
    ConfigNode t = syslog.section("tcp");
    Tcp tcp =
        new Tcp(
            t.bool("enabled", true), t.hostPort("listen", new HostPort("127.0.0.1", DEFAULT_PORT)));
    ConfigNode s = syslog.section("tls");
    Tls tls =
        new Tls(
            s.bool("enabled", false),
            s.hostPort("listen", new HostPort("127.0.0.1", DEFAULT_TLS_PORT)),
            path(s.string("cert_file", "")),
            path(s.string("key_file", "")),
            path(s.string("client_ca_file", "")),
            ClientAuth.valueOf(
                s.oneOf("client_auth", "none", List.of("none", "optional", "required"))
                    .toUpperCase(Locale.ROOT)));
    DataSize maxMessage =
        syslog.size(
            "max_message_size",
            DataSize.ofKibibytes(64),
            DataSize.ofBytes(480),
            DataSize.ofMebibytes(16));
    DataSize maxCount =
        syslog.size(
            "max_octet_count",
            DataSize.ofMebibytes(1),
            DataSize.ofBytes(480),
            DataSize.ofBytes(999_999_999));
    int maxConnections = syslog.integer("max_connections", 4096, 1, 1_000_000);
    Duration idle =
        syslog.duration(
            "idle_timeout", Duration.ofHours(1), Duration.ofMillis(100), Duration.ofDays(7));
    DataSize connectionBuffer =
        syslog.size(
            "connection_buffer",
            DataSize.ofKibibytes(64),
            DataSize.ofKibibytes(1),
            DataSize.ofMebibytes(16));
    int threads = syslog.integer("threads", 0, 0, 256);
    ZoneId zone = zone(syslog, syslog.string("default_time_zone", "UTC"));
    ConfigNode r = syslog.section("retry");
    Duration backoff =
        r.duration(
            "initial_backoff", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofMinutes(1));
    Duration maxBackoff =
        r.duration(
            "max_backoff", Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofHours(1));

    SyslogSettings settings =
        new SyslogSettings(
            udp,
            tcp,
            tls,
            maxMessage,
            maxCount,
            maxConnections,
            idle,
            connectionBuffer,
            threads,
            zone,
            backoff,
            maxBackoff);
    settings.check(syslog, s, r);
    return settings;
  }

  private void check(ConfigNode syslog, ConfigNode tlsNode, ConfigNode retry) {
    if (maxOctetCount.compareTo(maxMessageSize) < 0) {
      syslog.problem(
          "max_octet_count", maxOctetCount + " is smaller than max_message_size " + maxMessageSize);
    }
    if (retryMaxBackoff.compareTo(retryBackoff) < 0) {
      retry.problem(
          "max_backoff",
          Durations.format(retryMaxBackoff)
              + " is shorter than initial_backoff "
              + Durations.format(retryBackoff));
    }
    if (tcp.enabled()
        && tls.enabled()
        && tcp.listen().port() != 0
        && tcp.listen().equals(tls.listen())) {
      tlsNode.problem("listen", tls.listen() + " is also syslog.tcp.listen; choose another port");
    }
    if (tls.enabled()) {
      boolean filesOk = requireFile(tlsNode, "cert_file", tls.certFile(), true);
      filesOk &= requireFile(tlsNode, "key_file", tls.keyFile(), true);
      if (tls.clientAuth() != ClientAuth.NONE && tls.clientCaFile() == null) {
        tlsNode.problem(
            "client_ca_file",
            "required when client_auth is "
                + tls.clientAuth().id()
                + " (the CA that client certificates must chain to)");
        filesOk = false;
      } else {
        filesOk &= requireFile(tlsNode, "client_ca_file", tls.clientCaFile(), false);
      }
      if (filesOk) {
        try {
          TlsContexts.server(tls);
        } catch (IllegalArgumentException e) {
          tlsNode.problem("cert_file", e.getMessage());
        }
      }
    }
  }

  private static boolean requireFile(ConfigNode node, String key, Path file, boolean required) {
    if (file == null) {
      if (required) {
        node.problem(key, "required when syslog.tls.enabled is true (a PEM file)");
        return false;
      }
      return true;
    }
    if (!Files.isRegularFile(file)) {
      node.problem(key, file + " does not exist or is not a file");
      return false;
    }
    if (!Files.isReadable(file)) {
      node.problem(key, file + " is not readable");
      return false;
    }
    return true;
  }

  private static Path path(String s) {
    return s == null || s.isBlank() ? null : Path.of(s.trim());
  }

  private static ZoneId zone(ConfigNode node, String id) {
    try {
      return ZoneId.of(id.trim());
    } catch (DateTimeException e) {
      node.problem(
          "default_time_zone",
          "\"" + id + "\" is not a time zone (examples: UTC, Europe/Berlin, +01:00)");
      return ZoneOffset.UTC;
    }
  }

  /** The number of network threads to run. */
  public int networkThreads() {
    return threads > 0 ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /** The framer limits for one TCP or TLS connection. */
  public SyslogFramer.Options framerOptions() {
    int frame = maxMessageSize.bytesAsInt();
    return new SyslogFramer.Options(
        frame, (int) Math.max(frame, maxOctetCount.bytes()), /* nulTerminatesFrames= */ false);
  }

  /** True if at least one listener is enabled. */
  public boolean anyEnabled() {
    return udp.enabled() || tcp.enabled() || tls.enabled();
  }
}
