package io.logpipe.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.core.record.Facility;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real syslog clients against the listeners, as users run them: util-linux {@code logger} over UDP
 * and TCP in both formats, and a private rsyslogd forwarding with omfwd over TCP (octet-counted RFC
 * 5424) and over TLS (rsyslog-gnutls, x509 with a client certificate). Counts and fields are
 * checked in Kafka. The system's rsyslog is never used: each rsyslogd here has its own
 * configuration, pid file and work directory, and only that process is stopped.
 */
class RealClientsIT {
  @TempDir static Path dir;
  static KafkaTestBed bed;
  static TestCertificates certs;
  static SimpleMeterRegistry registry = new SimpleMeterRegistry();
  static SyslogServer server;

  @BeforeAll
  static void start() throws Exception {
    bed = new KafkaTestBed(dir, "{producer: {linger: 1ms}}");
    certs = TestCertificates.create(dir.resolve("certs"));
    server =
        bed.server(
            "{udp: {listen: 127.0.0.1:0}, tcp: {listen: 127.0.0.1:0}, tls: {enabled: true, listen:"
                + " 127.0.0.1:0, cert_file: '"
                + certs.serverCert()
                + "', key_file: '"
                + certs.serverKey()
                + "', client_ca_file: '"
                + certs.ca()
                + "', client_auth: required}}",
            registry);
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  static String marker() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static List<LogRecord> awaitRecords(String marker, int n) {
    List<List<LogRecord>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              List<LogRecord> r = bed.components(x -> x.message().contains(marker));
              found.add(0, r);
              return r.size() >= n;
            });
    assertThat(found.get(0)).hasSize(n);
    return found.get(0);
  }

  static void logger(InetSocketAddress to, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("logger", "--server", "127.0.0.1", "--port"));
    cmd.add(String.valueOf(to.getPort()));
    cmd.addAll(List.of(args));
    Tools.run(dir, cmd);
  }

  static String shortHostname() throws Exception {
    String h = Tools.run(dir, List.of("hostname")).trim();
    int dot = h.indexOf('.');
    return dot > 0 ? h.substring(0, dot) : h;
  }

  @Test
  void loggerOverUdpAndTcpInBothFormats() throws Exception {
    Tools.require("logger", "bsdutils");
    String m = marker();
    SyslogServer.Addresses at = server.addresses();
    logger(
        at.udp(),
        "--udp",
        "--rfc3164",
        "-t",
        "web",
        "--id=4242",
        "-p",
        "local3.warning",
        "udp 3164 " + m);
    logger(
        at.udp(),
        "--udp",
        "--rfc5424",
        "-t",
        "web",
        "--id=4242",
        "-p",
        "local3.warning",
        "--msgid",
        "M1",
        "udp 5424 " + m);
    logger(
        at.tcp(), "--tcp", "--rfc3164", "-t", "api", "--id=77", "-p", "auth.err", "tcp 3164 " + m);
    logger(
        at.tcp(),
        "--tcp",
        "--octet-count",
        "--rfc5424",
        "-t",
        "api",
        "--id=77",
        "-p",
        "auth.err",
        "--msgid",
        "M2",
        "--sd-id",
        "order@32473",
        "--sd-param",
        "id=\"17\"",
        "tcp 5424 " + m);

    List<LogRecord> records = awaitRecords(m, 4);
    String host = shortHostname();
    for (LogRecord r : records) {
      boolean udp = r.message().startsWith("udp");
      assertThat(r.host()).as("host of %s", r.message()).startsWith(host);
      assertThat(r.program()).isEqualTo(udp ? "web" : "api");
      assertThat(r.pid()).isEqualTo(udp ? "4242" : "77");
      assertThat(r.facility()).isEqualTo(udp ? Facility.LOCAL3 : Facility.AUTH);
      assertThat(r.severity()).isEqualTo(udp ? Severity.WARNING : Severity.ERR);
      assertThat(r.problem()).as("problem of %s", r.message()).isNull();
      assertThat(r.time()).isBetween(Instant.now().minusSeconds(300), Instant.now().plusSeconds(5));
    }
    assertThat(records)
        .extracting(LogRecord::message)
        .containsExactlyInAnyOrder(
            "udp 3164 " + m, "udp 5424 " + m, "tcp 3164 " + m, "tcp 5424 " + m);
    LogRecord tcp5424 =
        records.stream().filter(r -> r.message().startsWith("tcp 5424")).findFirst().orElseThrow();
    assertThat(tcp5424.tags())
        .containsEntry("msgid", "M2")
        .containsEntry("order@32473.id", "17")
        .containsKey("timeQuality.tzKnown");
    // RFC 5424 timestamps carry microseconds; RFC 3164 ones whole seconds.
    LogRecord udp3164 =
        records.stream().filter(r -> r.message().startsWith("udp 3164")).findFirst().orElseThrow();
    assertThat(udp3164.time().getNano()).isZero();
  }

  @Test
  void rsyslogForwardsOverTcpOctetCountedAndOverTls() throws Exception {
    Tools.require("rsyslogd", "rsyslog");
    Tools.requireThat(gtlsInstalled(), "lmnsd_gtls.so (rsyslog's TLS driver)", "rsyslog-gnutls");
    Path work = Files.createDirectories(dir.resolve("rsyslog-" + marker()));
    Files.createDirectories(work.resolve("spool"));
    int tcpIn = freePort();
    int tlsIn = freePort();
    SyslogServer.Addresses at = server.addresses();
    String conf =
        String.join(
            "\n",
            "# private instance for a logpipe test; not the system configuration",
            "global(workDirectory=\"" + work.resolve("spool") + "\" maxMessageSize=\"64k\"",
            "       DefaultNetstreamDriverCAFile=\"" + certs.ca() + "\"",
            "       DefaultNetstreamDriverCertFile=\"" + certs.clientCert() + "\"",
            "       DefaultNetstreamDriverKeyFile=\"" + certs.clientKey() + "\")",
            "module(load=\"imptcp\")",
            "input(type=\"imptcp\" address=\"127.0.0.1\" port=\"" + tcpIn + "\" ruleset=\"tcp\")",
            "input(type=\"imptcp\" address=\"127.0.0.1\" port=\"" + tlsIn + "\" ruleset=\"tls\")",
            "ruleset(name=\"tcp\") {",
            "  action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + at.tcp().getPort() + "\"",
            "         protocol=\"tcp\" TCP_Framing=\"octet-counted\"",
            "         template=\"RSYSLOG_SyslogProtocol23Format\")",
            "}",
            "ruleset(name=\"tls\") {",
            "  action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + at.tls().getPort() + "\"",
            "         protocol=\"tcp\" TCP_Framing=\"octet-counted\"",
            "         StreamDriver=\"gtls\" StreamDriverMode=\"1\" StreamDriverAuthMode=\"x509/name\"",
            "         StreamDriverPermittedPeers=\"" + TestCertificates.SERVER_NAME + "\"",
            "         template=\"RSYSLOG_SyslogProtocol23Format\")",
            "}",
            "");
    Path confFile = Files.writeString(work.resolve("rsyslog.conf"), conf);
    Tools.run(work, List.of("rsyslogd", "-N1", "-f", confFile.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(
                "rsyslogd",
                "-n",
                "-f",
                confFile.toString(),
                "-i",
                work.resolve("rsyslogd.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("rsyslogd.log").toFile());
    pb.environment().put("TZ", "UTC"); // it reads RFC 3164 timestamps in its local zone
    Process rsyslogd = pb.start();
    try {
      awaitListening(tcpIn, rsyslogd, work);
      awaitListening(tlsIn, rsyslogd, work);
      String m = marker();
      int n = 100;
      Instant sent = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      feed(tcpIn, "via-tcp", m, n, sent);
      feed(tlsIn, "via-tls", m, n, sent);

      List<LogRecord> viaTcp = awaitRecords("via-tcp " + m, n);
      List<LogRecord> viaTls = awaitRecords("via-tls " + m, n);
      for (List<LogRecord> records : List.of(viaTcp, viaTls)) {
        assertThat(records)
            .extracting(r -> r.message().substring(r.message().lastIndexOf(' ') + 1))
            .containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, n).mapToObj(String::valueOf).toList());
        LogRecord r = records.get(0);
        assertThat(r.host()).isEqualTo("edge-router-7");
        assertThat(r.program()).isEqualTo("haproxy");
        assertThat(r.pid()).isEqualTo("3131");
        assertThat(r.facility()).isEqualTo(Facility.LOCAL0);
        assertThat(r.severity()).isEqualTo(Severity.INFO);
        assertThat(r.problem()).isNull();
        assertThat(r.time()).isEqualTo(sent);
        // rsyslog keeps the space after the RFC 3164 tag in RFC 5424's MSG.
        assertThat(r.message()).startsWith(" via-");
      }
      assertThat(registry.get("logpipe.syslog.messages").tags("listener", "tls").counter().count())
          .isEqualTo(n);
      assertThat(registry.get("logpipe.syslog.tls.handshake.failures").counter().count()).isZero();
    } finally {
      rsyslogd.destroy(); // SIGTERM to the rsyslogd this test started, and only to it
      if (!rsyslogd.waitFor(20, TimeUnit.SECONDS)) {
        rsyslogd.destroyForcibly();
      }
    }
  }

  /** RFC 3164 lines as a router would send them to its local rsyslog. */
  static void feed(int port, String via, String m, int n, Instant at) throws IOException {
    String stamp =
        java.time.format.DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", java.util.Locale.ROOT)
            .withZone(java.time.ZoneOffset.UTC)
            .format(at);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(String.format("<134>%s edge-router-7 haproxy[3131]: %s %s %d\n", stamp, via, m, i));
    }
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  static boolean gtlsInstalled() {
    for (String d :
        List.of(
            "/usr/lib/x86_64-linux-gnu/rsyslog",
            "/usr/lib/aarch64-linux-gnu/rsyslog",
            "/usr/lib/rsyslog",
            "/usr/lib64/rsyslog")) {
      if (Files.exists(Path.of(d, "lmnsd_gtls.so"))) {
        return true;
      }
    }
    return false;
  }

  static void awaitListening(int port, Process p, Path work) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError(
                    "rsyslogd exited: " + Files.readString(work.resolve("rsyslogd.log")));
              }
              try (Socket s = new Socket("127.0.0.1", port)) {
                return s.isConnected();
              } catch (IOException e) {
                return false;
              }
            });
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
