package io.logpipe.nozzle.fake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Writes one prepared message to a channel {@code count} times as fast as the peer reads: while the
 * channel is writable, then again when it drains. For benchmarks: the fake costs little CPU per
 * message, so what is measured is the reader.
 */
final class Pump {
  private final Channel channel;
  private final ByteBuf message;
  private final Function<ByteBuf, Object> wrap;
  private final AtomicLong sent;
  private long left;

  private Pump(
      Channel channel,
      ByteBuf message,
      long count,
      AtomicLong sent,
      Function<ByteBuf, Object> wrap) {
    this.channel = channel;
    this.message = message;
    this.left = count;
    this.sent = sent;
    this.wrap = wrap;
  }

  static void start(
      Channel channel,
      ByteBuf message,
      long count,
      AtomicLong sent,
      Function<ByteBuf, Object> wrap) {
    Pump p = new Pump(channel, message, count, sent, wrap);
    channel.eventLoop().execute(p::write);
  }

  private void write() {
    if (!channel.isActive()) {
      return;
    }
    int batch = 0;
    while (left > 0 && channel.isWritable() && batch < 256) {
      channel.write(wrap.apply(message.duplicate()));
      left--;
      batch++;
      sent.incrementAndGet();
    }
    channel.flush();
    if (left > 0) {
      if (channel.isWritable()) {
        channel.eventLoop().execute(this::write);
      } else {
        // Wait for the peer to read: retry when the outbound buffer has drained.
        channel
            .writeAndFlush(wrap.apply(message.duplicate()))
            .addListener(
                (ChannelFutureListener)
                    f -> {
                      left--;
                      sent.incrementAndGet();
                      channel.eventLoop().execute(this::write);
                    });
      }
    }
  }
}
