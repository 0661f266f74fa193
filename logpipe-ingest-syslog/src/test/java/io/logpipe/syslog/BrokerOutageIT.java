package io.logpipe.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.core.record.LogRecord;
import io.logpipe.kafka.KafkaRecordPublisher;
import io.logpipe.kafka.TestKafka;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka goes down under load (RELIABILITY.md: "Kafka down on the ingest side"). TCP: the listener
 * stops reading, the sender blocks, logpipe's memory stays bounded, records Kafka did not
 * acknowledge are retried, and after the broker is back every message sent arrives exactly once.
 * UDP: what cannot be taken is dropped, and the drop counters add up to exactly what was lost.
 */
class BrokerOutageIT {
  static final long MAX_IN_FLIGHT = 1024 * 1024;

  @TempDir static Path dir;
  static KafkaTestBed bed;

  @BeforeAll
  static void startBroker() {
    bed =
        new KafkaTestBed(
            dir,
            "{producer: {max_in_flight: 1MiB, delivery_timeout: 3s, request_timeout: 1s, linger:"
                + " 5ms}}");
  }

  @AfterAll
  static void stopBroker() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void tcpSendersWaitWhileKafkaIsDownAndEveryMessageArrivesOnce() throws Exception {
    bed.ensureBroker();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyslogServer server =
        bed.server(
            "{udp: {enabled: false}, tcp: {listen: 127.0.0.1:0},"
                + " retry: {initial_backoff: 100ms, max_backoff: 1s}}",
            registry);
    String run = UUID.randomUUID().toString().substring(0, 8);
    // The sender writes `before` messages, waits until the broker is down, then the rest: far more
    // than the kernel's socket buffers (several MB on loopback) and max_in_flight can hold.
    int n = 200_000;
    int before = 20_000;
    AtomicLong written = new AtomicLong();
    CountDownLatch brokerDown = new CountDownLatch(1);
    CompletableFuture<Void> sender =
        CompletableFuture.runAsync(
            () -> writeOctetCounted(server.addresses().tcp(), run, n, before, brokerDown, written));

    await().atMost(Duration.ofSeconds(60)).until(() -> delivered(registry, "tcp") == before);
    bed.stopBroker();
    brokerDown.countDown();

    // The connection is paused and records Kafka did not acknowledge wait for their retry.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                gauge(registry, "logpipe.syslog.connections.paused", "tcp") == 1
                    && functionCounter(registry, "logpipe.syslog.retries", "tcp") > 0);
    // The sender is blocked: its writes stop moving, far from the end.
    long[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long w = written.get();
              boolean still = w == last[0];
              last[0] = w;
              return still;
            });
    assertThat(written.get()).isLessThan(n);
    assertThat(sender).isNotDone();
    // Memory stays bounded while Kafka is down, through further rounds of retries: bytes in the
    // producer stay near max_in_flight (one read of overshoot), and the records logpipe holds (in
    // the producer or waiting for a retry) stay few.
    long[] held = {0};
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              held[0] = Math.max(held[0], (long) gauge(registry, "logpipe.syslog.inflight", "tcp"));
              return bed.publisher.inFlightBytes() < MAX_IN_FLIGHT + 512 * 1024
                  && held[0] < 20_000
                  && gauge(registry, "logpipe.syslog.connections.paused", "tcp") == 1
                  && written.get() < n;
            });
    long heldWhileDown = held[0];

    bed.restartBroker();
    sender.get(120, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(written.get()).isEqualTo(n);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                delivered(registry, "tcp") == n
                    && gauge(registry, "logpipe.syslog.inflight", "tcp") == 0);

    List<LogRecord> records = bed.components(r -> r.message().startsWith("run=" + run + " "));
    BitSet seen = new BitSet(n);
    int duplicates = 0;
    for (LogRecord r : records) {
      int seq =
          Integer.parseInt(r.message().substring(r.message().indexOf("seq=") + 4).split(" ")[0]);
      if (seen.get(seq)) {
        duplicates++;
      }
      seen.set(seq);
    }
    assertThat(seen.cardinality()).as("distinct sequence numbers in Kafka").isEqualTo(n);
    // A duplicate can only come from a retry of a record Kafka stored while its delivery timeout
    // ran out (the acknowledgement came too late, docs/syslog.md); none is seen in practice.
    assertThat(duplicates)
        .as("duplicates (each must be a record retried after its delivery timeout)")
        .isLessThanOrEqualTo((int) functionCounter(registry, "logpipe.syslog.retries", "tcp"));
    assertThat(records).hasSize(n + duplicates);
    assertThat(dropped(registry, "tcp")).isZero();
    System.err.printf(
        "TCP outage: %d messages, %d duplicates; held in logpipe while Kafka was down: %d records;"
            + " retries: %.0f; paused for %.1f s%n",
        n,
        duplicates,
        heldWhileDown,
        functionCounter(registry, "logpipe.syslog.retries", "tcp"),
        registry
            .get("logpipe.syslog.backpressure")
            .tags("listener", "tcp")
            .timer()
            .totalTime(java.util.concurrent.TimeUnit.SECONDS));
    server.close(Duration.ofSeconds(10));
  }

  static void writeOctetCounted(
      InetSocketAddress to,
      String run,
      int n,
      int before,
      CountDownLatch resume,
      AtomicLong written) {
    String pad = "x".repeat(60);
    try (Socket s = new Socket(to.getAddress(), to.getPort());
        OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024)) {
      for (int i = 0; i < n; i++) {
        if (i == before) {
          out.flush();
          resume.await();
        }
        byte[] m =
            ("<13>1 2026-11-27T10:00:00Z outage-host app - - - run="
                    + run
                    + " seq="
                    + i
                    + " "
                    + pad)
                .getBytes(StandardCharsets.UTF_8);
        out.write((m.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(m);
        written.incrementAndGet();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void udpDropsAreCountedAndAddUpToWhatWasLost() throws Exception {
    bed.ensureBroker();
    // A delivery timeout longer than the outage and the drain, even on a loaded machine: a record
    // that expired while the broker came back might have been stored after all, and then counted
    // as lost although it is in Kafka. Kafka's default request timeout (not 1 s): a broker that
    // has just restarted on a loaded machine can take over a second to answer a produce request
    // of several hundred KiB; the producer then drops the connection and sends it again, which
    // costs the broker the same again, and the drain can go round like that for a minute.
    KafkaRecordPublisher patient =
        new KafkaRecordPublisher(
            TestKafka.settings(
                "kafka: {producer: {max_in_flight: 1MiB, delivery_timeout: 10m, request_timeout:"
                    + " 30s}}"),
            bed.kafka.bootstrapServers(),
            new SimpleMeterRegistry());
    patient.warmUp();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyslogServer server =
        new SyslogServer(
            KafkaTestBed.settings("{tcp: {enabled: false}, udp: {listen: 127.0.0.1:0}}"),
            null,
            patient,
            registry,
            Clock.systemUTC());
    InetSocketAddress at = server.start().udp();
    String run = UUID.randomUUID().toString().substring(0, 8);
    int n = 30_000;
    int paced = 20_000;

    bed.stopBroker();
    try (DatagramSocket udp = new DatagramSocket()) {
      for (int i = 0; i < n; i++) {
        if (i > 0 && i <= paced && i % 1000 == 0) {
          // Let the listener read each burst (or the kernel drop it) before the next, so that it
          // reads more than max_in_flight holds even where the socket buffer is small. The last
          // 10,000 go out at once, which the socket buffer usually cannot hold.
          int sent = i;
          await()
              .atMost(Duration.ofSeconds(120))
              .until(
                  () ->
                      counter(registry, "logpipe.syslog.messages", "udp") + kernelDrops(registry)
                          == sent);
        }
        byte[] d =
            ("<13>1 2026-11-27T10:00:00Z udp-host app - - - run="
                    + run
                    + " seq="
                    + i
                    + " "
                    + "y".repeat(100))
                .getBytes(StandardCharsets.UTF_8);
        udp.send(new DatagramPacket(d, d.length, at));
      }
    }
    // Every datagram sent was either read by logpipe or dropped by the kernel (and counted).
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> counter(registry, "logpipe.syslog.messages", "udp") + kernelDrops(registry) == n);
    assertThat(drops(registry, "backpressure")).isPositive();

    bed.restartBroker();
    // Waits for a condition, not a speed: on a quiet machine the drain takes about a second.
    await()
        .atMost(Duration.ofMinutes(5))
        .until(() -> gauge(registry, "logpipe.syslog.inflight", "udp") == 0);
    long inKafka = bed.components(r -> r.message().startsWith("run=" + run + " ")).size();
    double delivered = delivered(registry, "udp");
    assertThat(inKafka).isEqualTo((long) delivered);
    double lost =
        kernelDrops(registry)
            + drops(registry, "backpressure")
            + drops(registry, "delivery_failed");
    assertThat(delivered + lost).as("delivered + counted drops").isEqualTo(n);
    assertThat(drops(registry, "delivery_failed")).isZero();
    System.err.printf(
        "UDP outage: %d sent, %d in Kafka, dropped: %.0f kernel buffer, %.0f backpressure, %.0f"
            + " delivery failed%n",
        n,
        inKafka,
        kernelDrops(registry),
        drops(registry, "backpressure"),
        drops(registry, "delivery_failed"));
    server.close(Duration.ofSeconds(5));
    patient.close(Duration.ofSeconds(5));
  }

  static double kernelDrops(MeterRegistry r) {
    // Absent where the system does not expose the kernel's drops (not Linux).
    Meter m =
        r.find("logpipe.syslog.drops").tags("listener", "udp", "reason", "kernel_buffer").meter();
    return m == null
        ? 0
        : r.get("logpipe.syslog.drops").tags("reason", "kernel_buffer").functionCounter().count();
  }

  static double drops(MeterRegistry r, String reason) {
    return r.get("logpipe.syslog.drops")
        .tags("listener", "udp", "reason", reason)
        .counter()
        .count();
  }

  static double dropped(MeterRegistry r, String listener) {
    return r.find("logpipe.syslog.drops").tags("listener", listener).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  static double delivered(MeterRegistry r, String listener) {
    return functionCounter(r, "logpipe.syslog.delivered", listener);
  }

  static double functionCounter(MeterRegistry r, String name, String listener) {
    return r.get(name).tags("listener", listener).functionCounter().count();
  }

  static double counter(MeterRegistry r, String name, String listener) {
    return r.get(name).tags("listener", listener).counter().count();
  }

  static double gauge(MeterRegistry r, String name, String listener) {
    return r.get(name).tags("listener", listener).gauge().value();
  }
}
