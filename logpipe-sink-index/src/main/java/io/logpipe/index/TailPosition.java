package io.logpipe.index;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * A position in the log topics, as text: the next offset to read of every partition, such as {@code
 * 0:0:1204,0:1:997,1:0:50} (topic number in the configured order, partition, offset). It is the
 * event id of the live tail (so a client reconnecting with {@code Last-Event-ID} resumes where it
 * was) and the {@code tail_cursor} of a search (so a tail started there follows on from the search
 * without a gap). Only digits, colons and commas: safe in headers and URLs. Stateless.
 */
public final class TailPosition {
  private TailPosition() {}

  /** The text of {@code positions}; partitions of topics not in {@code topics} are left out. */
  public static String encode(Map<TopicPartition, Long> positions, List<String> topics) {
    StringBuilder b = new StringBuilder();
    Map<String, TopicPartition> sorted = new TreeMap<>();
    for (TopicPartition tp : positions.keySet()) {
      int t = topics.indexOf(tp.topic());
      if (t >= 0) {
        sorted.put(String.format("%03d:%06d", t, tp.partition()), tp);
      }
    }
    for (TopicPartition tp : sorted.values()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(topics.indexOf(tp.topic()))
          .append(':')
          .append(tp.partition())
          .append(':')
          .append(positions.get(tp));
    }
    return b.toString();
  }

  /**
   * Reads {@link #encode}'s text.
   *
   * @throws IllegalArgumentException if it is not such a text
   */
  public static Map<TopicPartition, Long> decode(String text, List<String> topics) {
    Map<TopicPartition, Long> out = new HashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    if (text.length() > 64 * 1024) {
      throw new IllegalArgumentException("position is too long");
    }
    for (String part : text.trim().split(",")) {
      String[] f = part.split(":");
      try {
        if (f.length != 3) {
          throw new NumberFormatException();
        }
        int t = Integer.parseInt(f[0]);
        int p = Integer.parseInt(f[1]);
        long o = Long.parseLong(f[2]);
        if (t < 0 || t >= topics.size() || p < 0 || o < 0) {
          throw new NumberFormatException();
        }
        out.put(new TopicPartition(topics.get(t), p), o);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'" + part + "' is not a position (TOPIC:PARTITION:OFFSET, as sent in event ids)");
      }
    }
    return out;
  }
}
