package io.logpipe.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RetryingPublisher;
import io.logpipe.core.record.Facility;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;
import io.logpipe.core.syslog.SyslogFramer;
import io.logpipe.core.syslog.SyslogParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TCP/TLS connection handler on an {@link EmbeddedChannel}: framing, limits, backpressure. */
class SyslogStreamHandlerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  static final int MAX = 480;

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FakePublisher hub = new FakePublisher();
  final List<Runnable> retries = new ArrayList<>();
  final RetryingPublisher publisher =
      new RetryingPublisher(
          hub,
          (task, delay) -> retries.add(task),
          CLOCK,
          RetryingPublisher.Backoff.defaults(),
          "syslog-tcp");
  final ListenerContext lc =
      new ListenerContext(
          "tcp",
          new SyslogParser(
              SyslogParser.Options.defaults().withClock(CLOCK).withMaxMessageBytes(MAX)),
          publisher,
          true,
          new ListenerMetrics("tcp", true, registry),
          new SyslogFramer.Options(MAX, 1024 * 1024, false),
          CLOCK);
  final EmbeddedChannel ch = new EmbeddedChannel(new SyslogStreamHandler(lc));

  static ByteBuf bytes(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }

  double counter(String name, String... tags) {
    return registry.get(name).tags("listener", "tcp").tags(tags).counter().count();
  }

  @Test
  void linesSplitAcrossReadsAreReassembled() {
    String input =
        "<13>1 2026-11-27T09:59:59.5Z host1 app 42 ID7 [ex@1 a=\"b\"] first message\n"
            + "<34>Nov 27 09:59:58 host2 sshd[7]: second message\r\n";
    for (byte b : input.getBytes(StandardCharsets.UTF_8)) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat(hub.published).hasSize(2);
    LogRecord first = hub.published.get(0);
    assertThat(first.time()).isEqualTo(Instant.parse("2026-11-27T09:59:59.5Z"));
    assertThat(first.observedTime()).isEqualTo(CLOCK.instant());
    assertThat(first.host()).isEqualTo("host1");
    assertThat(first.program()).isEqualTo("app");
    assertThat(first.pid()).isEqualTo("42");
    assertThat(first.tags()).containsEntry("msgid", "ID7").containsEntry("ex@1.a", "b");
    assertThat(first.message()).isEqualTo("first message");
    LogRecord second = hub.published.get(1);
    assertThat(second.facility()).isEqualTo(Facility.AUTH);
    assertThat(second.severity()).isEqualTo(Severity.CRIT);
    assertThat(second.message()).isEqualTo("second message");
    assertThat(counter("logpipe.syslog.messages")).isEqualTo(2);
    assertThat(counter("logpipe.syslog.bytes")).isEqualTo(input.length());
  }

  @Test
  void octetCountedFramesMayHoldLineFeeds() {
    String m1 = "<13>1 - host1 app - - - line one\nline two";
    String m2 = "<13>1 - host1 app - - - next";
    String input = m1.length() + " " + m1 + m2.length() + " " + m2;
    ch.writeInbound(bytes(input.substring(0, 10)), bytes(input.substring(10)));
    assertThat(hub.messages()).containsExactly("line one\nline two", "next");
  }

  @Test
  void directBuffersAreReadToo() {
    ByteBuf direct = Unpooled.directBuffer();
    direct.writeBytes("<13>hello\n<13>world\n".getBytes(StandardCharsets.US_ASCII));
    ch.writeInbound(direct);
    assertThat(hub.messages()).containsExactly("hello", "world");
    assertThat(direct.refCnt()).isZero();
  }

  @Test
  void anOversizedLineIsCutFlaggedAndCountedAndTheConnectionGoesOn() {
    String longLine = "<13>1 - host1 app - - - " + "x".repeat(1000);
    ch.writeInbound(bytes(longLine + "\n<13>1 - host1 app - - - after\n"));
    assertThat(hub.published).hasSize(2);
    LogRecord cut = hub.published.get(0);
    assertThat(cut.problem()).isNotNull();
    assertThat(cut.problem().reason()).contains("truncated at " + MAX + " bytes");
    assertThat(cut.message()).hasSize(MAX - "<13>1 - host1 app - - - ".length());
    assertThat(hub.published.get(1).message()).isEqualTo("after");
    assertThat(counter("logpipe.syslog.truncated")).isEqualTo(1);
    assertThat(counter("logpipe.syslog.parse.problems")).isEqualTo(1);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void anAbsurdOctetCountClosesTheConnectionAndIsCounted() {
    String ok = "<13>1 - host1 app - - - ok";
    ch.writeInbound(bytes(ok.length() + " " + ok + "99999999999999999999 <13>1 - h a - - - x"));
    assertThat(hub.messages()).containsExactly("ok");
    assertThat(ch.isOpen()).isFalse();
    assertThat(counter("logpipe.syslog.protocol.errors", "action", "closed")).isEqualTo(1);
  }

  @Test
  void aFrameWithoutCountInAnOctetCountedStreamIsReadAsALineAndCounted() {
    ch.writeInbound(bytes("8 <13>ok 1<13>not counted\n6 <13>go"));
    assertThat(hub.messages()).containsExactly("ok 1", "not counted", "go");
    assertThat(counter("logpipe.syslog.protocol.errors", "action", "skipped")).isEqualTo(1);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void withoutCapacityReadingStopsUntilThePublisherHasCapacityAgain() {
    hub.capacityFor = 2;
    ch.writeInbound(bytes("<13>a\n<13>b\n<13>c\n"));
    assertThat(hub.messages()).containsExactly("a", "b", "c");
    assertThat(ch.config().isAutoRead()).isFalse();
    assertThat(registry.get("logpipe.syslog.connections.paused").gauge().value()).isEqualTo(1);

    // An idle timeout while paused is logpipe's doing, not the sender's: the connection stays.
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    assertThat(ch.isOpen()).isTrue();

    hub.restoreCapacity();
    ch.runPendingTasks();
    assertThat(ch.config().isAutoRead()).isTrue();
    assertThat(registry.get("logpipe.syslog.connections.paused").gauge().value()).isZero();
    assertThat(registry.get("logpipe.syslog.backpressure").timer().count()).isEqualTo(1);
  }

  @Test
  void recordsWaitingForARetryKeepTheConnectionPaused() {
    ch.writeInbound(bytes("<13>a\n"));
    hub.failAll(new PublishException("broker down", true, null));
    ch.writeInbound(bytes("<13>b\n"));
    assertThat(ch.config().isAutoRead()).isFalse();
    assertThat(registry.get("logpipe.syslog.inflight").gauge().value()).isEqualTo(2);

    retries.forEach(Runnable::run); // the retry hands "a" back to the hub
    ch.runPendingTasks();
    assertThat(ch.config().isAutoRead()).isTrue();
    hub.ackAll();
    assertThat(hub.messages()).containsExactly("a", "b", "a");
    assertThat(registry.get("logpipe.syslog.delivered").functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("logpipe.syslog.inflight").gauge().value()).isZero();
  }

  @Test
  void anIdleConnectionIsClosedAndCounted() {
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    assertThat(ch.isOpen()).isFalse();
    assertThat(counter("logpipe.syslog.connections.idle.closed")).isEqualTo(1);
  }

  @Test
  void anUnterminatedLastLineIsAMessageWhenThePeerCloses() {
    ch.writeInbound(bytes("<13>a\n<13>last"));
    assertThat(hub.messages()).containsExactly("a");
    ch.close();
    assertThat(hub.messages()).containsExactly("a", "last");
    assertThat(counter("logpipe.syslog.messages")).isEqualTo(2);
  }

  @Test
  void aRecordKafkaRefusesForGoodIsDeadLettered() {
    ch.writeInbound(bytes("<13>a\n"));
    hub.failAll(new PublishException("RecordTooLargeException", false, null));
    retries.forEach(Runnable::run); // the scheduler writes the dead letter
    assertThat(hub.deadLetters).hasSize(1);
    assertThat(hub.deadLetters.get(0).source()).isEqualTo("syslog-tcp");
    assertThat(counter("logpipe.syslog.dead.lettered")).isEqualTo(1);
    assertThat(ch.config().isAutoRead()).isTrue();
  }

  @Test
  void stoppingDropsRecordsStillWaitingAndCountsThem() {
    ch.writeInbound(bytes("<13>a\n"));
    hub.failAll(new PublishException("broker down", true, null));
    var drained = lc.stop();
    assertThat(drained).isNotDone();
    publisher.close();
    assertThat(drained).isDone();
    assertThat(
            registry
                .get("logpipe.syslog.drops")
                .tags("listener", "tcp", "reason", "shutdown")
                .counter()
                .count())
        .isEqualTo(1);
  }
}
