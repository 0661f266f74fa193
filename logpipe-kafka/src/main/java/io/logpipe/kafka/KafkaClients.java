package io.logpipe.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client properties derived from {@link KafkaSettings}: the one place where logpipe's delivery
 * contract becomes Kafka settings.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * Producer properties: idempotent, {@code acks=all}, compressed, bounded memory, and a finite
   * delivery timeout after which a send is reported failed to its caller.
   */
  public static Map<String, Object> producer(
      KafkaSettings s, String bootstrapServers, String clientId) {
    Map<String, Object> p = common(s, bootstrapServers, clientId);
    KafkaSettings.Producer pr = s.producer();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, pr.compression());
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) pr.linger().toMillis());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, pr.batchSize().bytesAsInt());
    // The publisher bounds unacknowledged bytes itself (max_in_flight) and pauses intake; the
    // producer's own buffer is larger, so that send() never blocks a caller's thread on it.
    p.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG, 2 * pr.maxInFlight().bytes() + pr.batchSize().bytes());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) pr.requestTimeout().toMillis());
    // Keep the cluster metadata when every broker is unreachable. Kafka 4's default, rebootstrap,
    // drops it at once, and send() then waits up to max.block.ms for every record on the caller's
    // thread (a syslog listener's event loop) while Kafka is down. With "none", records queue in
    // the producer and fail after delivery_timeout, which callers handle (syslog over TCP pauses
    // and retries). A client that may lose every broker it knows for good (all addresses change
    // while it is cut off) can set client_properties metadata.recovery.strategy: rebootstrap.
    p.putIfAbsent(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
    // A topic nobody published to for metadata.max.idle.ms (5 minutes by default) is dropped from
    // the producer's metadata, and the next send() to it (a rare dead letter, or app records after
    // a quiet spell) would again wait up to max.block.ms on the caller's thread if Kafka is down
    // at that moment. logpipe publishes to three topics it fetched at start: keep them.
    p.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) pr.deliveryTimeout().toMillis());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) pr.requestTimeout().toMillis());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, pr.maxRecordSize().bytesAsInt());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return p;
  }

  /** Consumer properties for reading records (no group unless {@code groupId} is given). */
  public static Map<String, Object> consumer(
      KafkaSettings s, String bootstrapServers, String clientId, String groupId) {
    Map<String, Object> p = common(s, bootstrapServers, clientId);
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return p;
  }

  /** Admin client properties. */
  public static Map<String, Object> admin(
      KafkaSettings s, String bootstrapServers, String clientId) {
    Map<String, Object> p = common(s, bootstrapServers, clientId);
    p.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) s.producer().requestTimeout().toMillis());
    p.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) Math.max(s.producer().requestTimeout().toMillis(), 15_000));
    return p;
  }

  private static Map<String, Object> common(
      KafkaSettings s, String bootstrapServers, String clientId) {
    Map<String, Object> p = new HashMap<>(s.clientProperties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return p;
  }
}
