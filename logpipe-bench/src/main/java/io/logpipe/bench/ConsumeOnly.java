package io.logpipe.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * The consume-only ceiling of the archive benchmark, run as its own JVM: a Java Kafka consumer with
 * the archiver's settings that reads a topic from the beginning to its end and does nothing with
 * the records but count them, with as many consumer threads in one group as asked. Values are read
 * without a copy (ByteBufferDeserializer), as the archiver reads them. Prints one line: {@code
 * records bytes seconds cpuSeconds}, timed from the first record to the last (JVM start and group
 * join excluded, as for the archiver).
 */
public final class ConsumeOnly {
  private ConsumeOnly() {}

  public static void main(String[] args) throws Exception {
    String kafka = args[0];
    String topic = args[1];
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    String group = "bench-consume-only-" + System.nanoTime();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long total;
    try (KafkaConsumer<ByteBuffer, ByteBuffer> c = new KafkaConsumer<>(props(kafka, group))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, i.partition()));
      }
      total = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
    }
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong t0 = new AtomicLong();
    AtomicLong cpu0 = new AtomicLong();
    List<Thread> consumers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try (KafkaConsumer<ByteBuffer, ByteBuffer> c =
                    new KafkaConsumer<>(props(kafka, group))) {
                  c.subscribe(List.of(topic));
                  while (records.get() < total) {
                    long n = 0;
                    long b = 0;
                    for (ConsumerRecord<ByteBuffer, ByteBuffer> r :
                        c.poll(Duration.ofMillis(100))) {
                      n++;
                      b += r.value().remaining() + 1;
                    }
                    if (n > 0 && t0.get() == 0 && t0.compareAndSet(0, System.nanoTime())) {
                      cpu0.set(os.getProcessCpuTime());
                    }
                    bytes.addAndGet(b);
                    records.addAndGet(n);
                  }
                }
              });
      t.start();
      consumers.add(t);
    }
    while (records.get() < total) {
      Thread.sleep(5);
    }
    long t1 = System.nanoTime();
    long cpu1 = os.getProcessCpuTime();
    System.out.printf(
        Locale.ROOT,
        "%d %d %.3f %.3f%n",
        records.get(),
        bytes.get(),
        (t1 - t0.get()) / 1e9,
        (cpu1 - cpu0.get()) / 1e9);
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static Map<String, Object> props(String kafka, String group) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
    return p;
  }
}
