package io.logpipe.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RetryingPublisher;
import io.logpipe.core.syslog.SyslogFramer;
import io.logpipe.core.syslog.SyslogParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The UDP handler: one datagram is one message; no capacity means drop and count. */
class SyslogDatagramHandlerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  static final int MAX = 480;
  static final InetSocketAddress SENDER = new InetSocketAddress("10.1.2.3", 40000);
  static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5514);

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FakePublisher hub = new FakePublisher();
  final ListenerContext lc =
      new ListenerContext(
          "udp",
          new SyslogParser(
              SyslogParser.Options.defaults().withClock(CLOCK).withMaxMessageBytes(MAX)),
          RetryingPublisher.withoutRetries(hub, (task, delay) -> task.run(), CLOCK, "syslog-udp"),
          false,
          new ListenerMetrics("udp", false, registry),
          new SyslogFramer.Options(MAX, 1024 * 1024, false),
          CLOCK);
  final EmbeddedChannel ch = new EmbeddedChannel(new SyslogDatagramHandler(lc, MAX));

  static DatagramPacket datagram(String text) {
    return new DatagramPacket(
        Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)), LOCAL, SENDER);
  }

  double drops(String reason) {
    return registry
        .get("logpipe.syslog.drops")
        .tags("listener", "udp", "reason", reason)
        .counter()
        .count();
  }

  @Test
  void oneDatagramIsOneMessageEvenWithLineFeeds() {
    ch.writeInbound(datagram("<13>Nov 27 09:00:00 app: two\nlines"));
    assertThat(hub.messages()).containsExactly("two\nlines");
    // No hostname in the message: the sender's address is the host.
    assertThat(hub.published.get(0).host()).isEqualTo("10.1.2.3");
  }

  @Test
  void anOversizedDatagramIsCutAndFlagged() {
    ch.writeInbound(datagram("<13>" + "y".repeat(MAX)));
    assertThat(hub.published).hasSize(1);
    assertThat(hub.published.get(0).problem().reason()).contains("truncated at " + MAX);
    assertThat(registry.get("logpipe.syslog.truncated").counter().count()).isEqualTo(1);
  }

  @Test
  void withoutCapacityDatagramsAreDroppedAndCounted() {
    hub.capacityFor = 1;
    ch.writeInbound(datagram("<13>a"), datagram("<13>b"), datagram("<13>c"));
    assertThat(hub.messages()).containsExactly("a");
    assertThat(drops("backpressure")).isEqualTo(2);
    hub.restoreCapacity();
    ch.writeInbound(datagram("<13>d"));
    assertThat(hub.messages()).containsExactly("a", "d");
    assertThat(registry.get("logpipe.syslog.backpressure").timer().count()).isEqualTo(1);
    assertThat(registry.get("logpipe.syslog.messages").counter().count()).isEqualTo(4);
  }

  @Test
  void aRecordKafkaDidNotAcknowledgeIsCountedNotRetried() {
    ch.writeInbound(datagram("<13>a"), datagram("<13>b"));
    hub.failAll(new PublishException("timeout", true, null));
    assertThat(drops("delivery_failed")).isEqualTo(2);
    assertThat(hub.published).hasSize(2);
    assertThat(registry.get("logpipe.syslog.inflight").gauge().value()).isZero();
  }
}
