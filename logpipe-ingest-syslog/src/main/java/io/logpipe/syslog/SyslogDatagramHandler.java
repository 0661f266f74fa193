package io.logpipe.syslog;

import io.logpipe.core.record.LogRecord;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP listener (RFC 5426): one datagram is one message. UDP has no flow control, so when the
 * publisher has no capacity the datagram is dropped and counted ({@code
 * drops{reason=backpressure}}), and time spent dropping is recorded as backpressure. There is no
 * retry beyond the Kafka producer's own: a record Kafka did not acknowledge is counted ({@code
 * drops{reason=delivery_failed}}).
 *
 * <p>A datagram longer than {@code max_message_size} is cut there and flagged (the read buffer is
 * one byte longer than the limit, so a longer datagram shows itself). Used on the UDP channel's
 * event loop only.
 */
final class SyslogDatagramHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SyslogDatagramHandler.class);

  private final ListenerContext lc;
  private final int maxMessage;
  private byte[] scratch;
  private Instant observed;
  private InetAddress lastAddress;
  private String lastSender;
  private boolean dropping;
  private long droppingSince;

  SyslogDatagramHandler(ListenerContext lc, int maxMessage) {
    this.lc = lc;
    this.maxMessage = maxMessage;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      handle(packet);
    } finally {
      packet.release();
    }
  }

  private void handle(DatagramPacket packet) {
    ByteBuf buf = packet.content();
    int len = buf.readableBytes();
    ListenerMetrics m = lc.metrics;
    m.messages.increment();
    m.bytes.increment(len);
    if (lc.stopping()) {
      m.dropsShutdown.increment();
      return;
    }
    if (!lc.publisher.hasCapacity()) {
      m.dropsBackpressure.increment();
      if (!dropping) {
        dropping = true;
        droppingSince = System.nanoTime();
      }
      return;
    }
    if (dropping) {
      dropping = false;
      m.backpressure.record(System.nanoTime() - droppingSince, TimeUnit.NANOSECONDS);
    }
    boolean truncated = len > maxMessage;
    int n = truncated ? maxMessage : len;
    byte[] array;
    int offset;
    if (buf.hasArray()) {
      array = buf.array();
      offset = buf.arrayOffset() + buf.readerIndex();
    } else {
      if (scratch == null || scratch.length < n) {
        scratch = new byte[Math.max(n, 2048)];
      }
      buf.getBytes(buf.readerIndex(), scratch, 0, n);
      array = scratch;
      offset = 0;
    }
    if (observed == null) {
      observed = lc.clock.instant();
    }
    LogRecord r = lc.parser.parse(array, offset, n, observed, sender(packet.sender()), truncated);
    if (r.hasProblem()) {
      m.parseProblems.increment();
    }
    if (truncated) {
      m.truncated.increment();
    }
    lc.publish(r);
  }

  /** The sender's address as text; the last one is remembered, as most datagrams repeat it. */
  private String sender(InetSocketAddress a) {
    if (a == null) {
      return null;
    }
    InetAddress addr = a.getAddress();
    if (addr != null && !addr.equals(lastAddress)) {
      lastAddress = addr;
      lastSender = addr.getHostAddress();
    }
    return addr == null ? a.getHostString() : lastSender;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    observed = null; // datagrams of one read share one observed time
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // An ICMP error or the like on an unconnected socket: the listener keeps running.
    log.debug("UDP listener error", cause);
  }
}
