package io.logpipe.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The commit of one flushed unit of a partition: the offset range {@code [start, end)} it covers
 * and the data objects that hold its records. Readers consider only objects named by markers; the
 * marker is written after its objects are durable, and only if no marker has the same start.
 * Immutable.
 *
 * @param topic the Kafka topic
 * @param clusterId the Kafka cluster id
 * @param topicId the Kafka topic id
 * @param partition the Kafka partition
 * @param start the first offset covered (the end of the previous marker, or where archiving began)
 * @param end one past the last record's offset
 * @param records records in the objects
 * @param generation the consumer group generation of the writer (for diagnosis)
 * @param writtenAt when it was written (for diagnosis; never part of a key)
 * @param objects the data objects, in key order
 */
public record CommitMarker(
    String topic,
    String clusterId,
    String topicId,
    int partition,
    long start,
    long end,
    long records,
    int generation,
    Instant writtenAt,
    List<Entry> objects) {

  /** Current marker format. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One data object of a marker.
   *
   * @param key the object key
   * @param first the first record's offset
   * @param last the last record's offset
   * @param records how many records (offsets in between may belong to other hours)
   * @param bytes stored (compressed) size
   * @param rawBytes uncompressed NDJSON size
   * @param crc32c CRC-32C of the stored bytes, hex
   * @param minTime the earliest event time in it
   * @param maxTime the latest event time in it
   */
  public record Entry(
      String key,
      long first,
      long last,
      long records,
      long bytes,
      long rawBytes,
      String crc32c,
      Instant minTime,
      Instant maxTime) {}

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("topic", topic);
    n.put("cluster_id", clusterId);
    n.put("topic_id", topicId);
    n.put("partition", partition);
    n.put("start", start);
    n.put("end", end);
    n.put("records", records);
    n.put("generation", generation);
    n.put("written_at", writtenAt.toString());
    ArrayNode arr = n.putArray("objects");
    for (Entry e : objects) {
      ObjectNode o = arr.addObject();
      o.put("key", e.key);
      o.put("first", e.first);
      o.put("last", e.last);
      o.put("records", e.records);
      o.put("bytes", e.bytes);
      o.put("raw_bytes", e.rawBytes);
      o.put("crc32c", e.crc32c);
      o.put("min_time", e.minTime.toString());
      o.put("max_time", e.maxTime.toString());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a marker.
   *
   * @throws IOException if it is not a marker this version reads
   */
  public static CommitMarker parse(byte[] json) throws IOException {
    JsonNode n = JSON.readTree(json);
    if (n == null || !n.isObject() || n.path("v").asInt() != VERSION) {
      throw new IOException("not a version " + VERSION + " archive marker");
    }
    List<Entry> objects = new ArrayList<>();
    for (JsonNode o : n.path("objects")) {
      objects.add(
          new Entry(
              text(o, "key"),
              o.path("first").asLong(),
              o.path("last").asLong(),
              o.path("records").asLong(),
              o.path("bytes").asLong(),
              o.path("raw_bytes").asLong(),
              text(o, "crc32c"),
              Instant.parse(text(o, "min_time")),
              Instant.parse(text(o, "max_time"))));
    }
    return new CommitMarker(
        text(n, "topic"),
        text(n, "cluster_id"),
        text(n, "topic_id"),
        n.path("partition").asInt(),
        n.path("start").asLong(),
        n.path("end").asLong(),
        n.path("records").asLong(),
        n.path("generation").asInt(),
        Instant.parse(text(n, "written_at")),
        List.copyOf(objects));
  }

  private static String text(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException("marker field '" + field + "' missing");
    }
    return v.asText();
  }
}
