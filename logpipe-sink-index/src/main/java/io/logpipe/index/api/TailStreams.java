package io.logpipe.index.api;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.RecordFormatException;
import io.logpipe.http.Responses;
import io.logpipe.index.IndexSettings;
import io.logpipe.index.TailPosition;
import io.logpipe.index.query.RecordMatcher;
import io.logpipe.kafka.KafkaClients;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live-tail streams: each one reads every partition of the log topics from Kafka (no consumer
 * group, so it moves no one's position), keeps the records that match its query and sends them as
 * Server-Sent Events. Each event's id is the {@link TailPosition} after that record, so a client
 * that reconnects with {@code Last-Event-ID} resumes exactly there. When the client reads slowly
 * the stream stops reading Kafka until the connection drains (memory stays bounded: one poll's
 * worth of events per stream).
 *
 * <p>One thread and one Kafka consumer per stream, at most {@code index.tail.max_streams}.
 */
final class TailStreams {
  private static final Logger log = LoggerFactory.getLogger(TailStreams.class);
  private static final byte[] NL = {'\n'};

  private final KafkaSettings kafka;
  private final String bootstrapServers;
  private final List<String> topics;
  private final IndexSettings settings;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ids = new AtomicInteger();
  private final Counter events;
  private volatile boolean stopped;

  TailStreams(
      KafkaSettings kafka,
      String bootstrapServers,
      List<String> topics,
      IndexSettings settings,
      MeterRegistry registry) {
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
    this.topics = List.copyOf(topics);
    this.settings = settings;
    this.events =
        Counter.builder("logpipe.tail.events")
            .description("Records sent to live-tail clients")
            .register(registry);
    Gauge.builder("logpipe.tail.streams", open, Set::size)
        .description("Live-tail streams open")
        .register(registry);
  }

  List<String> topics() {
    return topics;
  }

  /**
   * Starts a stream on {@code channel}.
   *
   * @param from where to start; null for the newest records (only what arrives from now on)
   * @return false if {@code max_streams} are open (the caller answers 503)
   */
  synchronized boolean open(
      ChannelHandlerContext ctx, RecordMatcher matcher, Map<TopicPartition, Long> from) {
    if (stopped || open.size() >= settings.tailMaxStreams()) {
      return false;
    }
    Stream s = new Stream(ctx, matcher, from);
    open.add(s);
    Thread t = new Thread(s, "logpipe-tail-" + ids.incrementAndGet());
    t.setDaemon(true);
    t.start();
    return true;
  }

  /** Ends every stream (the server is stopping). */
  void stopAll() {
    synchronized (this) {
      stopped = true;
    }
    for (Stream s : open) {
      s.stop();
    }
  }

  private final class Stream implements Runnable {
    private final ChannelHandlerContext ctx;
    private final Channel channel;
    private final RecordMatcher matcher;
    private final Map<TopicPartition, Long> from;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    Stream(ChannelHandlerContext ctx, RecordMatcher matcher, Map<TopicPartition, Long> from) {
      this.ctx = ctx;
      this.channel = ctx.channel();
      this.matcher = matcher;
      this.from = from;
    }

    void stop() {
      running = false;
      KafkaConsumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    }

    @Override
    public void run() {
      channel.closeFuture().addListener(f -> stop());
      boolean headSent = false;
      Map<String, Object> props =
          KafkaClients.consumer(kafka, bootstrapServers, "logpipe-tail", null);
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
        consumer = c;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
          List<PartitionInfo> infos = c.partitionsFor(t, Duration.ofSeconds(10));
          if (infos != null) {
            infos.forEach(p -> parts.add(new TopicPartition(t, p.partition())));
          }
        }
        c.assign(parts);
        List<TopicPartition> toEnd = new ArrayList<>();
        List<TopicPartition> toStart = new ArrayList<>();
        for (TopicPartition tp : parts) {
          Long o = from == null ? null : from.get(tp);
          if (o != null) {
            c.seek(tp, o);
          } else if (from == null) {
            toEnd.add(tp);
          } else {
            toStart.add(tp); // a partition the client had not seen yet
          }
        }
        // Careful: with an empty list these seek every assigned partition.
        if (!toEnd.isEmpty()) {
          c.seekToEnd(toEnd);
        }
        if (!toStart.isEmpty()) {
          c.seekToBeginning(toStart);
        }
        Map<TopicPartition, Long> pos = new HashMap<>();
        for (TopicPartition tp : parts) {
          pos.put(tp, c.position(tp, Duration.ofSeconds(10)));
        }
        String id = TailPosition.encode(pos, topics);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setTransferEncodingChunked(head, true);
        channel.write(head);
        headSent = true;
        // The starting position at once, so that a client that reconnects before any record
        // arrives resumes from here rather than from the newest records of that later moment.
        write(("retry: 2000\nid: " + id + "\n\n").getBytes(StandardCharsets.US_ASCII));
        String sentId = id;
        long lastWrite = System.nanoTime();
        long heartbeat = settings.tailHeartbeat().toNanos();
        while (running && channel.isActive()) {
          ByteBuf out = null;
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(250))) {
            pos.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            if (r.value() == null) {
              continue;
            }
            LogRecord record;
            try {
              record = LogRecordJson.decode(r.value());
            } catch (RecordFormatException e) {
              continue;
            }
            if (!matcher.matches(record)) {
              continue;
            }
            if (out == null) {
              out = Unpooled.buffer(8192);
            }
            id = TailPosition.encode(pos, topics);
            out.writeBytes(("id: " + id + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(r.value());
            out.writeBytes(NL).writeBytes(NL);
            events.increment();
          }
          if (out != null) {
            sentId = id;
            awaitDrained(channel.writeAndFlush(new DefaultHttpContent(out)));
            lastWrite = System.nanoTime();
          } else if (System.nanoTime() - lastWrite >= heartbeat) {
            String now = TailPosition.encode(pos, topics);
            String beat = now.equals(sentId) ? ":\n\n" : "id: " + now + "\n\n";
            sentId = now;
            write(beat.getBytes(StandardCharsets.US_ASCII));
            lastWrite = System.nanoTime();
          }
        }
      } catch (WakeupException e) {
        // stop(): the server is stopping or the client went away.
      } catch (RuntimeException e) {
        log.info("tail stream ended: {}", e.toString());
      } finally {
        consumer = null;
        open.remove(this);
        if (channel.isActive()) {
          if (headSent) {
            channel
                .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                .addListener(ChannelFutureListener.CLOSE);
          } else {
            Responses.error(
                ctx,
                false,
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "cannot read Kafka for the tail; try again");
          }
        }
      }
    }

    private void write(byte[] bytes) {
      awaitDrained(channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))));
    }

    /** Waits while the client is slower than the stream, so that memory stays bounded. */
    private void awaitDrained(ChannelFuture f) {
      while (running && channel.isActive() && !channel.isWritable() && !f.isDone()) {
        f.awaitUninterruptibly(100, TimeUnit.MILLISECONDS);
      }
    }
  }
}
