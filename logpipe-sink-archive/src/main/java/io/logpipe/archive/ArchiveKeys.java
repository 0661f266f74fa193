package io.logpipe.archive;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The archive's object names, built only from safe parts: the configured prefix, the topic name
 * (Kafka allows only {@code [a-zA-Z0-9._-]}), the event-time hour, numbers and the Kafka cluster
 * and topic ids (base64url). Never app names, hosts or other user text.
 *
 * <pre>
 * data:    PREFIX/TOPIC/dt=2026-03-02/hr=09/p3.00000000000000001200-00000000000000001499.CLUSTER.TOPICID.ndjson.zst
 *          PREFIX/TOPIC/dt=out-of-range/p3.....ndjson.zst       (event time absurdly far from the Kafka time)
 * marker:  PREFIX/_manifest/TOPIC/CLUSTER/TOPICID/p=3/00000000000000001200.json
 * </pre>
 *
 * Offsets are zero-padded to 20 digits so that key order is offset order. A marker is named by the
 * first offset of the range it covers ({@code start}); it is created only if absent, so at most one
 * marker exists per start offset and the chain of markers is unique. Stateless.
 */
public final class ArchiveKeys {
  /** The bucket for event times too far from the Kafka timestamp to be believed. */
  public static final long OUT_OF_RANGE = Long.MIN_VALUE;

  static final String MANIFEST = "_manifest";
  private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern DATA_NAME =
      Pattern.compile(
          "p(\\d{1,10})\\.(\\d{20})-(\\d{20})\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.ndjson\\.(zst|gz)");
  private static final Pattern MARKER_NAME = Pattern.compile("(\\d{20})\\.json");

  private final String prefix;

  /**
   * @param prefix empty or safe segments (see {@link #isSafePrefix})
   */
  public ArchiveKeys(String prefix) {
    if (!isSafePrefix(prefix)) {
      throw new IllegalArgumentException("unsafe prefix: " + prefix);
    }
    this.prefix = prefix.isEmpty() ? "" : prefix + "/";
  }

  public static boolean isSafePrefix(String p) {
    if (p.isEmpty()) {
      return true;
    }
    for (String s : p.split("/", -1)) {
      if (!SAFE_SEGMENT.matcher(s).matches()
          || s.equals(".")
          || s.equals("..")
          || s.equals(MANIFEST)) {
        return false;
      }
    }
    return true;
  }

  public static boolean isSafeTopic(String t) {
    return TOPIC.matcher(t).matches() && !t.equals(".") && !t.equals("..") && !t.equals(MANIFEST);
  }

  static String requireId(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("unexpected Kafka id: " + id);
    }
    return id;
  }

  /** The prefix with its trailing slash, or empty. */
  public String root() {
    return prefix;
  }

  /** Where a topic's data objects are. */
  public String topicRoot(String topic) {
    return prefix + topic + "/";
  }

  /** Where every marker is. */
  public String manifestRoot() {
    return prefix + MANIFEST + "/";
  }

  /** The directory of one hour of a topic ({@link #OUT_OF_RANGE} for the out-of-range bucket). */
  public String hourDir(String topic, long hour) {
    if (hour == OUT_OF_RANGE) {
      return topicRoot(topic) + "dt=out-of-range/";
    }
    LocalDateTime t = LocalDateTime.ofEpochSecond(hour * 3600, 0, ZoneOffset.UTC);
    return String.format(
        Locale.ROOT,
        "%sdt=%04d-%02d-%02d/hr=%02d/",
        topicRoot(topic),
        t.getYear(),
        t.getMonthValue(),
        t.getDayOfMonth(),
        t.getHour());
  }

  /** A data object's key. */
  public String dataKey(
      String topic,
      long hour,
      int partition,
      long first,
      long last,
      String clusterId,
      String topicId,
      String extension) {
    return hourDir(topic, hour)
        + String.format(
            Locale.ROOT,
            "p%d.%020d-%020d.%s.%s.ndjson.%s",
            partition,
            first,
            last,
            requireId(clusterId),
            requireId(topicId),
            extension);
  }

  /** The directory of a partition's markers. */
  public String markerDir(String topic, String clusterId, String topicId, int partition) {
    return manifestRoot()
        + topic
        + "/"
        + requireId(clusterId)
        + "/"
        + requireId(topicId)
        + "/p="
        + partition
        + "/";
  }

  /** The key of the marker whose range starts at {@code start}. */
  public String markerKey(
      String topic, String clusterId, String topicId, int partition, long start) {
    return markerDir(topic, clusterId, topicId, partition)
        + String.format(Locale.ROOT, "%020d.json", start);
  }

  /** The start offset named by a marker key, or -1 if the key is not a marker's. */
  public static long markerStart(String key) {
    Matcher m = MARKER_NAME.matcher(key.substring(key.lastIndexOf('/') + 1));
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** What a data object's name says. */
  public record DataName(int partition, long first, long last, String clusterId, String topicId) {}

  /** Parses a data object's file name (the part after the last slash), or null. */
  public static DataName parseDataName(String key) {
    Matcher m = DATA_NAME.matcher(key.substring(key.lastIndexOf('/') + 1));
    if (!m.matches()) {
      return null;
    }
    return new DataName(
        Integer.parseInt(m.group(1)),
        Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3)),
        m.group(4),
        m.group(5));
  }
}
