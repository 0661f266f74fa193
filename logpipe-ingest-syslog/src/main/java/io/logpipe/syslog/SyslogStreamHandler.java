package io.logpipe.syslog;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.syslog.SyslogFramer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP or TLS connection: bytes in, RFC 6587 frames out ({@link SyslogFramer}), each frame
 * parsed and published. Not sharable: one instance per connection, used on its event loop only.
 *
 * <p>Backpressure: after each read, if the publisher has no capacity (Kafka is slow or down, or
 * records wait for a retry), the connection stops reading ({@code autoRead=false}) until the
 * publisher says there is capacity again. The sender's writes then queue in the kernel buffers and
 * block on its side; nothing is dropped and logpipe's memory stays bounded. The idle timeout does
 * not apply while a connection is paused.
 *
 * <p>Memory per connection: the framer's buffer (at most {@code max_message_size + 1} while a frame
 * is incomplete, at most 8 KiB otherwise) and, during a read only, the read buffer ({@code
 * connection_buffer}).
 */
final class SyslogStreamHandler extends ChannelInboundHandlerAdapter
    implements SyslogFramer.FrameSink {
  private static final Logger log = LoggerFactory.getLogger(SyslogStreamHandler.class);

  /** Buffers without a backing array (direct memory) are copied through this, per thread. */
  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[16 * 1024];
        }
      };

  private final ListenerContext lc;
  private final SyslogFramer framer;
  private ChannelHandlerContext ctx;
  private String sender;
  private Instant observed;
  private int framesThisRead;
  private boolean paused;
  private long pausedAt;
  private boolean closedByUs;

  SyslogStreamHandler(ListenerContext lc) {
    this.lc = lc;
    this.framer = new SyslogFramer(lc.framerOptions, this);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sender = senderOf(ctx.channel().remoteAddress());
    super.channelActive(ctx);
  }

  static String senderOf(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
    }
    return a == null ? null : a.toString();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    boolean open;
    try {
      int n = buf.readableBytes();
      lc.metrics.bytes.increment(n);
      observed = lc.clock.instant();
      framesThisRead = 0;
      if (buf.hasArray()) {
        open = framer.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
      } else {
        open = feedCopies(buf);
      }
      if (framesThisRead > 0) {
        lc.metrics.messages.increment(framesThisRead);
      }
    } finally {
      buf.release();
    }
    if (!open) {
      closedByUs = true;
      ctx.close();
      return;
    }
    if (!lc.publisher.hasCapacity()) {
      pause();
    }
  }

  private boolean feedCopies(ByteBuf buf) {
    byte[] scratch = SCRATCH.get();
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i < end) {
      int n = Math.min(scratch.length, end - i);
      buf.getBytes(i, scratch, 0, n);
      if (!framer.feed(scratch, 0, n)) {
        return false;
      }
      i += n;
    }
    return true;
  }

  @Override
  public void frame(byte[] buf, int offset, int length, boolean truncated) {
    framesThisRead++;
    LogRecord r = lc.parser.parse(buf, offset, length, observed, sender, truncated);
    if (r.hasProblem()) {
      lc.metrics.parseProblems.increment();
    }
    if (truncated) {
      lc.metrics.truncated.increment();
    }
    lc.publish(r);
  }

  @Override
  public void protocolError(String reason, boolean closeConnection) {
    if (closeConnection) {
      lc.metrics.protocolErrorsClosed.increment();
      log.debug("closing {} connection from {}: {}", lc.name, sender, reason);
    } else {
      lc.metrics.protocolErrorsSkipped.increment();
    }
  }

  /** Stops reading until the publisher has capacity again. */
  private void pause() {
    if (paused) {
      return;
    }
    Channel ch = ctx.channel();
    paused = true;
    pausedAt = System.nanoTime();
    lc.metrics.paused.incrementAndGet();
    ch.config().setAutoRead(false);
    EventLoop loop = ch.eventLoop();
    lc.publisher.onCapacity(
        () -> {
          if (!loop.isShuttingDown()) {
            loop.execute(this::resume);
          }
        });
  }

  private void resume() {
    if (!paused) {
      return;
    }
    endPause();
    if (lc.stopping() || !ctx.channel().isActive()) {
      return;
    }
    if (lc.publisher.hasCapacity()) {
      ctx.channel().config().setAutoRead(true); // reads at once
    } else {
      pause(); // capacity was taken again before this ran
    }
  }

  private void endPause() {
    paused = false;
    lc.metrics.paused.decrementAndGet();
    lc.metrics.backpressure.record(System.nanoTime() - pausedAt, TimeUnit.NANOSECONDS);
  }

  /** Stops reading for good (the server is stopping); a later capacity callback does nothing. */
  void stopReading() {
    closedByUs = true;
    ctx.channel().config().setAutoRead(false);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      if (!paused && !lc.stopping()) {
        lc.metrics.idleClosed.increment();
        closedByUs = true;
        ctx.close();
      }
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent hs && !hs.isSuccess()) {
      lc.metrics.handshakeFailures.increment();
      log.debug("TLS handshake with {} failed: {}", sender, hs.cause().toString());
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (paused) {
      endPause();
    }
    if (!closedByUs) {
      // The peer closed: a last line without LF is a message; an octet-counted frame cut short is
      // handed out flagged. When logpipe closes (idle, stop), a partial frame is not a message.
      observed = lc.clock.instant();
      framesThisRead = 0;
      framer.endOfInput();
      if (framesThisRead > 0) {
        lc.metrics.messages.increment(framesThisRead);
      }
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset by the peer, a TLS error: nothing to answer, the connection is gone.
    if (cause instanceof IOException) {
      log.debug("{} connection from {} failed: {}", lc.name, sender, cause.toString());
    } else {
      log.debug("{} connection from {} failed", lc.name, sender, cause);
    }
    closedByUs = !(cause instanceof IOException);
    ctx.close();
  }
}
