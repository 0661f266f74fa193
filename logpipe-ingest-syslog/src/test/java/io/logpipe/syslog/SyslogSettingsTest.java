package io.logpipe.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.config.ConfigException;
import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import io.logpipe.core.config.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyslogSettingsTest {
  @TempDir Path dir;

  static SyslogSettings read(String yaml) {
    ConfigNode root = ConfigNode.root(ConfigFiles.parse(yaml, "test"), Map.of(), "test");
    SyslogSettings s = SyslogSettings.from(root.section("syslog"));
    root.finish();
    return s;
  }

  @Test
  void defaultsListenOnLoopbackWithUdpAndTcpOn5514AndNoTls() {
    SyslogSettings s = read("{}");
    assertThat(s.udp().enabled()).isTrue();
    assertThat(s.udp().listen()).isEqualTo(new HostPort("127.0.0.1", 5514));
    assertThat(s.tcp().enabled()).isTrue();
    assertThat(s.tcp().listen()).isEqualTo(new HostPort("127.0.0.1", 5514));
    assertThat(s.tls().enabled()).isFalse();
    assertThat(s.tls().listen()).isEqualTo(new HostPort("127.0.0.1", 6514));
    assertThat(s.maxMessageSize()).isEqualTo(DataSize.ofKibibytes(64));
    assertThat(s.maxOctetCount()).isEqualTo(DataSize.ofMebibytes(1));
    assertThat(s.defaultTimeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(s.framerOptions().maxFrameBytes()).isEqualTo(64 * 1024);
    assertThat(s.framerOptions().maxOctetCount()).isEqualTo(1024 * 1024);
  }

  @Test
  void valuesAreRead() {
    SyslogSettings s =
        read(
            "syslog: {max_message_size: 8KiB, idle_timeout: 5m, max_connections: 10,"
                + " default_time_zone: Europe/Berlin, udp: {enabled: false},"
                + " retry: {initial_backoff: 1s, max_backoff: 1m}}");
    assertThat(s.udp().enabled()).isFalse();
    assertThat(s.maxMessageSize()).isEqualTo(DataSize.ofKibibytes(8));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.maxConnections()).isEqualTo(10);
    assertThat(s.defaultTimeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(s.retryMaxBackoff()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void tlsWithoutItsFilesReportsEachMissingKey() {
    assertThatThrownBy(() -> read("syslog: {tls: {enabled: true, client_auth: required}}"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "syslog.tls.cert_file: required when syslog.tls.enabled is true (a PEM"
                            + " file)",
                        "syslog.tls.key_file: required when syslog.tls.enabled is true (a PEM file)",
                        "syslog.tls.client_ca_file: required when client_auth is required (the CA"
                            + " that client certificates must chain to)"));
  }

  @Test
  void tlsFilesThatDoNotExistAreReported() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(
            () ->
                read(
                    "syslog: {tls: {enabled: true, cert_file: '"
                        + missing
                        + "', key_file: '"
                        + missing
                        + "'}}"))
        .hasMessageContaining(
            "syslog.tls.cert_file: " + missing + " does not exist or is not a file")
        .hasMessageContaining(
            "syslog.tls.key_file: " + missing + " does not exist or is not a file");
  }

  @Test
  void aFileThatIsNotPemIsReportedWithTheReason() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    assertThatThrownBy(
            () ->
                read(
                    "syslog: {tls: {enabled: true, cert_file: '"
                        + junk
                        + "', key_file: '"
                        + junk
                        + "'}}"))
        .hasMessageContaining("syslog.tls.cert_file: cannot read the certificate " + junk);
  }

  @Test
  void realCertificatesAreAccepted() throws Exception {
    TestCertificates c = TestCertificates.create(dir.resolve("certs"));
    SyslogSettings s =
        read(
            "syslog: {tls: {enabled: true, cert_file: '"
                + c.serverCert()
                + "', key_file: '"
                + c.serverKey()
                + "', client_ca_file: '"
                + c.ca()
                + "', client_auth: optional}}");
    assertThat(s.tls().clientAuth()).isEqualTo(SyslogSettings.ClientAuth.OPTIONAL);
    assertThat(TlsContexts.server(s.tls()).isServer()).isTrue();
  }

  @Test
  void inconsistentValuesAreReported() {
    assertThatThrownBy(
            () ->
                read(
                    "syslog: {max_message_size: 2MiB, default_time_zone: Mars/Olympus,"
                        + " retry: {initial_backoff: 10s, max_backoff: 1s},"
                        + " tls: {listen: '127.0.0.1:5514', enabled: true}, max_connections: 0}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("syslog.max_octet_count: 1MiB is smaller than max_message_size 2MiB")
        .hasMessageContaining("syslog.default_time_zone: \"Mars/Olympus\" is not a time zone")
        .hasMessageContaining("syslog.retry.max_backoff: 1s is shorter than initial_backoff 10s")
        .hasMessageContaining("syslog.tls.listen: 127.0.0.1:5514 is also syslog.tcp.listen")
        .hasMessageContaining("syslog.max_connections: 0 is outside 1..1000000");
  }
}
