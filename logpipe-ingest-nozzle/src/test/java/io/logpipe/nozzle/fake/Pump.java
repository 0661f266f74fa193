package io.logpipe.nozzle.fake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Writes prepared messages to a channel, cycling through them, {@code count} times or until
 * stopped, as fast as the peer reads: while the channel is writable, then again when it drains. For
 * benchmarks: the fake spends little CPU per message, so what is measured is the reader.
 */
final class Pump {
  private final Channel channel;
  private final ByteBuf[] messages;
  private final Function<ByteBuf, Object> wrap;
  private final AtomicLong sent;
  private final AtomicBoolean stop;
  private long left;
  private int next;

  private Pump(
      Channel channel,
      List<byte[]> messages,
      long count,
      AtomicLong sent,
      AtomicBoolean stop,
      Function<ByteBuf, Object> wrap) {
    this.channel = channel;
    this.messages = new ByteBuf[messages.size()];
    for (int i = 0; i < this.messages.length; i++) {
      this.messages[i] = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(messages.get(i)));
    }
    this.left = count;
    this.sent = sent;
    this.stop = stop;
    this.wrap = wrap;
  }

  static void start(
      Channel channel,
      List<byte[]> messages,
      long count,
      AtomicLong sent,
      AtomicBoolean stop,
      Function<ByteBuf, Object> wrap) {
    Pump p = new Pump(channel, messages, count, sent, stop, wrap);
    channel.eventLoop().execute(p::write);
  }

  private Object nextMessage() {
    ByteBuf m = messages[next];
    next = next + 1 == messages.length ? 0 : next + 1;
    left--;
    sent.incrementAndGet();
    return wrap.apply(m.duplicate());
  }

  private void write() {
    if (!channel.isActive() || stop.get()) {
      return;
    }
    int batch = 0;
    while (left > 0 && channel.isWritable() && batch < 256) {
      channel.write(nextMessage());
      batch++;
    }
    channel.flush();
    if (left > 0) {
      if (channel.isWritable()) {
        channel.eventLoop().execute(this::write);
      } else {
        // The peer reads slower than we write: go on once this write has reached the socket.
        channel
            .writeAndFlush(nextMessage())
            .addListener((ChannelFutureListener) f -> channel.eventLoop().execute(this::write));
      }
    }
  }
}
