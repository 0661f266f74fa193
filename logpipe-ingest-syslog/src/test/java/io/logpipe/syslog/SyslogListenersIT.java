package io.logpipe.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import io.logpipe.core.record.Facility;
import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listeners on real sockets, end to end into a real embedded broker, with Java clients: fields
 * as decoded from Kafka, TLS with client certificates, clock skew, and the connection limits under
 * thousands of idle connections.
 */
class SyslogListenersIT {
  @TempDir static Path dir;
  static KafkaTestBed bed;

  @BeforeAll
  static void startBroker() {
    bed = new KafkaTestBed(dir, "{producer: {linger: 1ms}}");
  }

  @AfterAll
  static void stopBroker() {
    if (bed != null) {
      bed.close();
    }
  }

  static String run() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static void sendTcp(InetSocketAddress to, String data) throws IOException {
    try (Socket s = new Socket(to.getAddress(), to.getPort())) {
      s.getOutputStream().write(data.getBytes(StandardCharsets.UTF_8));
    }
  }

  static String octets(String message) {
    return message.getBytes(StandardCharsets.UTF_8).length + " " + message;
  }

  static List<LogRecord> awaitRecords(String marker, int n) {
    List<List<LogRecord>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              List<LogRecord> r = bed.components(x -> x.message().contains(marker));
              found.add(0, r);
              return r.size() >= n;
            });
    assertThat(found.get(0)).hasSize(n);
    return found.get(0);
  }

  @Test
  void udpAndTcpMessagesArriveInKafkaWithTheirFields() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyslogServer server =
        bed.server("{udp: {listen: 127.0.0.1:0}, tcp: {listen: 127.0.0.1:0}}", registry);
    SyslogServer.Addresses at = server.addresses();
    String m = run();

    try (DatagramSocket udp = new DatagramSocket()) {
      byte[] d =
          ("<165>1 2026-11-27T08:00:00.123456Z router-1 gorouter 77 REQ [req@1 status=\"502\"]"
                  + " udp "
                  + m)
              .getBytes(StandardCharsets.UTF_8);
      udp.send(new DatagramPacket(d, d.length, at.udp()));
    }
    sendTcp(
        at.tcp(),
        octets("<13>1 2026-11-27T08:00:01Z cell-1 rep - - - octet counted " + m + "\nsecond line")
            + octets("<14>Nov 27 08:00:02 cell-2 garden[12]: counted 3164 " + m));
    sendTcp(
        at.tcp(),
        "<30>Nov 27 08:00:03 api-1 cloud_controller[5]: lf framed "
            + m
            + "\n"
            + "<31>1 2026-11-27T08:00:04+01:00 api-2 cc - - - last line without LF "
            + m);

    List<LogRecord> records = awaitRecords(m, 5);
    LogRecord udp = only(records, "udp " + m);
    assertThat(udp.kind()).isEqualTo(Kind.COMPONENT);
    assertThat(udp.time()).isEqualTo(Instant.parse("2026-11-27T08:00:00.123456Z"));
    assertThat(udp.host()).isEqualTo("router-1");
    assertThat(udp.program()).isEqualTo("gorouter");
    assertThat(udp.pid()).isEqualTo("77");
    assertThat(udp.facility()).isEqualTo(Facility.LOCAL4);
    assertThat(udp.severity()).isEqualTo(Severity.NOTICE);
    assertThat(udp.tags()).containsEntry("msgid", "REQ").containsEntry("req@1.status", "502");
    assertThat(udp.datacenter()).isEqualTo("dc-test");
    assertThat(udp.problem()).isNull();

    assertThat(only(records, "octet counted " + m).message())
        .isEqualTo("octet counted " + m + "\nsecond line");
    LogRecord garden = only(records, "counted 3164 " + m);
    assertThat(garden.host()).isEqualTo("cell-2");
    assertThat(garden.program()).isEqualTo("garden");
    assertThat(garden.pid()).isEqualTo("12");
    assertThat(only(records, "lf framed " + m).program()).isEqualTo("cloud_controller");
    assertThat(only(records, "last line without LF " + m).time())
        .isEqualTo(Instant.parse("2026-11-27T07:00:04Z"));

    assertThat(registry.get("logpipe.syslog.messages").tags("listener", "tcp").counter().count())
        .isEqualTo(4);
    await()
        .untilAsserted(
            () ->
                assertThat(
                        registry
                            .get("logpipe.syslog.delivered")
                            .tags("listener", "udp")
                            .functionCounter()
                            .count())
                    .isEqualTo(1));
    server.close(Duration.ofSeconds(5));
  }

  static LogRecord only(List<LogRecord> records, String message) {
    List<LogRecord> match = records.stream().filter(r -> r.message().contains(message)).toList();
    assertThat(match).as("records with %s", message).hasSize(1);
    return match.get(0);
  }

  @Test
  void linesDatedNextYearAndIn2019ArriveWithTheirEventTimes() throws Exception {
    // Kafka 4 refuses record timestamps more than an hour ahead; the event time must survive.
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyslogServer server =
        bed.server("{udp: {enabled: false}, tcp: {listen: 127.0.0.1:0}}", registry);
    String m = run();
    int next = Year.now().getValue() + 1;
    Instant before = Instant.now();
    sendTcp(
        server.addresses().tcp(),
        "<13>1 "
            + next
            + "-06-01T12:00:00Z skewed-host app - - - from the future "
            + m
            + "\n"
            + "<13>1 2019-03-04T05:06:07.891Z skewed-host app - - - from the past "
            + m
            + "\n");
    awaitRecords(m, 2);
    List<ConsumerRecord<byte[], byte[]>> raw =
        bed.componentTopic().stream()
            .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(m))
            .toList();
    assertThat(raw).hasSize(2);
    for (ConsumerRecord<byte[], byte[]> r : raw) {
      LogRecord rec = LogRecordJson.decode(r.value());
      if (rec.message().startsWith("from the future")) {
        assertThat(rec.time()).isEqualTo(Instant.parse(next + "-06-01T12:00:00Z"));
      } else {
        assertThat(rec.time()).isEqualTo(Instant.parse("2019-03-04T05:06:07.891Z"));
      }
      // Kafka's timestamp is not the event time but one the broker accepts: the time the broker
      // appended the record (the topics use LogAppendTime), near when logpipe received it.
      assertThat(Instant.ofEpochMilli(r.timestamp()))
          .isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
      assertThat(rec.observedTime()).isBetween(before.minusSeconds(1), Instant.now());
      assertThat(r.key()).isEqualTo("skewed-host".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(
            registry
                .get("logpipe.syslog.clock.skewed")
                .tags("direction", "future")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry.get("logpipe.syslog.clock.skewed").tags("direction", "past").counter().count())
        .isEqualTo(1);
    server.close(Duration.ofSeconds(5));
  }

  @Test
  void tlsWithClientCertificatesDeliversAndRefusesStrangers() throws Exception {
    TestCertificates c = TestCertificates.create(dir.resolve("certs"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyslogServer server =
        bed.server(
            "{udp: {enabled: false}, tcp: {enabled: false}, tls: {enabled: true, listen:"
                + " 127.0.0.1:0, cert_file: '"
                + c.serverCert()
                + "', key_file: '"
                + c.serverKey()
                + "', client_ca_file: '"
                + c.ca()
                + "', client_auth: required}}",
            registry);
    InetSocketAddress at = server.addresses().tls();
    String m = run();

    try (SSLSocket s = tlsClient(c, c.clientCert(), c.clientKey(), at)) {
      OutputStream out = s.getOutputStream();
      out.write(
          octets("<13>1 2026-11-27T08:00:00Z tls-host app - - - over TLS " + m)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    LogRecord r = awaitRecords("over TLS " + m, 1).get(0);
    assertThat(r.host()).isEqualTo("tls-host");

    // A certificate from another CA, and none at all, are refused.
    assertThatThrownBy(() -> sendOverTls(c, c.otherClientCert(), c.otherClientKey(), at, m))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> sendOverTls(c, null, null, at, m)).isInstanceOf(IOException.class);
    await()
        .untilAsserted(
            () ->
                assertThat(registry.get("logpipe.syslog.tls.handshake.failures").counter().count())
                    .isEqualTo(2));
    assertThat(bed.components(x -> x.message().contains("stranger " + m))).isEmpty();
    server.close(Duration.ofSeconds(5));
  }

  static void sendOverTls(TestCertificates c, Path cert, Path key, InetSocketAddress at, String m)
      throws Exception {
    try (SSLSocket s = tlsClient(c, cert, key, at)) {
      OutputStream out = s.getOutputStream();
      out.write(octets("<13>1 - h app - - - stranger " + m).getBytes(StandardCharsets.UTF_8));
      out.flush();
      // TLS 1.3 reports a refused client certificate on the next read.
      s.setSoTimeout(10_000);
      if (s.getInputStream().read() < 0) {
        throw new IOException("closed by the server");
      }
    }
  }

  static SSLSocket tlsClient(TestCertificates c, Path cert, Path key, InetSocketAddress at)
      throws Exception {
    SslContextBuilder b =
        SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(c.ca().toFile());
    if (cert != null) {
      b.keyManager(cert.toFile(), key.toFile());
    }
    JdkSslContext ctx = (JdkSslContext) b.build();
    SSLSocket s =
        (SSLSocket) ctx.context().getSocketFactory().createSocket(at.getAddress(), at.getPort());
    s.startHandshake();
    return s;
  }

  /**
   * Thousands of idle connections: the cap refuses (and counts) those above it while a normal
   * client still gets through; the idle timeout closes them all. Each connection takes two file
   * descriptors in this JVM (client and server side): with fewer than 11,000 allowed, the test uses
   * as many connections as fit.
   */
  @Test
  void thousandsOfIdleConnectionsMeetTheCapAndTheIdleTimeout() throws Exception {
    int n = idleConnectionCount();
    int cap = n * 4 / 5;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyslogServer capped =
        bed.server(
            "{udp: {enabled: false}, tcp: {listen: 127.0.0.1:0}, max_connections: "
                + cap
                + ", idle_timeout: 10m}",
            registry);
    InetSocketAddress at = capped.addresses().tcp();
    String m = run();
    List<SocketChannel> idle = new ArrayList<>();
    try (SocketChannel normal = SocketChannel.open(at)) {
      await().until(() -> gauge(registry, "logpipe.syslog.connections") == 1);
      openIdle(at, n, idle);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> counter(registry, "logpipe.syslog.connections.refused") == n - (cap - 1));
      assertThat(gauge(registry, "logpipe.syslog.connections")).isEqualTo(cap);
      assertThat(counter(registry, "logpipe.syslog.connections.opened")).isEqualTo(cap);

      normal.write(
          ByteBuffer.wrap(
              ("<13>1 - normal-host app - - - through the crowd " + m + "\n")
                  .getBytes(StandardCharsets.UTF_8)));
      awaitRecords("through the crowd " + m, 1);
    } finally {
      closeAll(idle);
    }
    capped.close(Duration.ofSeconds(5));

    SimpleMeterRegistry registry2 = new SimpleMeterRegistry();
    SyslogServer timed =
        bed.server(
            "{udp: {enabled: false}, tcp: {listen: 127.0.0.1:0}, idle_timeout: 2s,"
                + " max_connections: "
                + (n + 10)
                + "}",
            registry2);
    try {
      openIdle(timed.addresses().tcp(), n, idle);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> counter(registry2, "logpipe.syslog.connections.idle.closed") == n);
      assertThat(gauge(registry2, "logpipe.syslog.connections")).isZero();
      // The clients see the close.
      SocketChannel first = idle.get(0);
      assertThat(first.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    } finally {
      closeAll(idle);
    }
    sendTcp(timed.addresses().tcp(), "<13>1 - normal-host app - - - after the timeout " + m + "\n");
    awaitRecords("after the timeout " + m, 1);
    timed.close(Duration.ofSeconds(5));
  }

  static int idleConnectionCount() {
    long limit = 20_000;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      limit = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
    }
    int n = (int) Math.min(5_000, (limit - 1_000) / 2);
    if (n < 5_000) {
      System.err.println(
          "only "
              + limit
              + " more file descriptors allowed (ulimit -n): testing with "
              + n
              + " idle connections instead of 5000");
    }
    assertThat(n).as("idle connections the file limit allows").isGreaterThanOrEqualTo(100);
    return n;
  }

  static void openIdle(InetSocketAddress at, int n, List<SocketChannel> into) throws IOException {
    for (int i = 0; i < n; i++) {
      into.add(SocketChannel.open(at));
    }
  }

  static void closeAll(List<SocketChannel> channels) {
    for (SocketChannel ch : channels) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    channels.clear();
  }

  static double counter(SimpleMeterRegistry r, String name) {
    return r.get(name).tags("listener", "tcp").counter().count();
  }

  static double gauge(SimpleMeterRegistry r, String name) {
    return r.get(name).tags("listener", "tcp").gauge().value();
  }
}
