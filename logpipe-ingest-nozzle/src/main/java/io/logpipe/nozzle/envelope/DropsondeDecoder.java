package io.logpipe.nozzle.envelope;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.LogFactory;
import org.cloudfoundry.dropsonde.events.MetricFactory;

/**
 * Decodes one firehose WebSocket message, a protobuf dropsonde {@code Envelope}, and converts it to
 * the v2 shape ({@link Envelope}), the inverse of loggregator's own v2-to-v1 conversion:
 *
 * <ul>
 *   <li>LogMessage: a log; {@code app_id} is the source, {@code source_instance} the instance,
 *       {@code source_type} a tag; its own timestamp wins over the envelope's.
 *   <li>ValueMetric: a gauge with one value; CounterEvent: a counter; ContainerMetric: a gauge with
 *       {@code cpu}, {@code memory}, {@code disk}, {@code memory_quota}, {@code disk_quota} for the
 *       app instance.
 *   <li>HttpStartStop: a timer named {@code http} with the request in tags ({@code request_id},
 *       {@code method}, {@code uri}, {@code status_code}, ...).
 *   <li>Error: an event titled with its source, the message as body and tag {@code code}.
 * </ul>
 *
 * The envelope's {@code origin}, {@code deployment}, {@code job}, {@code index} and {@code ip}
 * become tags, beside its own. Lenient: fields marked required may be missing (an envelope is never
 * refused for that); unknown fields are skipped.
 *
 * <p>Thread-safe (no state).
 */
public final class DropsondeDecoder {

  /**
   * The envelope in {@code message}.
   *
   * @throws DecodeException if the bytes are not a protobuf envelope (garbage, cut short) or carry
   *     no event that the decoder knows
   */
  public Envelope decode(ByteBuffer message) throws DecodeException {
    try {
      return decodeFast(CodedInputStream.newInstance(message), message);
    } catch (java.io.IOException ex) {
      throw new DecodeException("not a dropsonde envelope: " + ex.getMessage());
    } catch (RuntimeException ex) {
      throw new DecodeException("not a dropsonde envelope: " + ex);
    }
  }

  /** The envelope in {@code bytes}; see {@link #decode(ByteBuffer)}. */
  public Envelope decode(byte[] bytes) throws DecodeException {
    return decode(ByteBuffer.wrap(bytes));
  }

  // Wire tags (field number << 3 | wire type) of the fields read on the hot path.
  private static final int ENV_ORIGIN = 1 << 3 | 2;
  private static final int ENV_TIMESTAMP = 6 << 3;
  private static final int ENV_LOG = 8 << 3 | 2;
  private static final int ENV_DEPLOYMENT = 13 << 3 | 2;
  private static final int ENV_JOB = 14 << 3 | 2;
  private static final int ENV_INDEX = 15 << 3 | 2;
  private static final int ENV_IP = 16 << 3 | 2;
  private static final int ENV_TAGS = 17 << 3 | 2;
  private static final int ENV_EVENT_TYPE = 2 << 3;
  private static final int LOG_MESSAGE = 1 << 3 | 2;
  private static final int LOG_TYPE = 2 << 3;
  private static final int LOG_TIMESTAMP = 3 << 3;
  private static final int LOG_APP_ID = 4 << 3 | 2;
  private static final int LOG_SOURCE_TYPE = 5 << 3 | 2;
  private static final int LOG_SOURCE_INSTANCE = 6 << 3 | 2;
  private static final int ENTRY_KEY = 1 << 3 | 2;
  private static final int ENTRY_VALUE = 2 << 3 | 2;

  /**
   * Log envelopes, nearly all of the firehose, are read field by field straight into the model (the
   * generated classes would build a message, a map of entry messages and copies of every string
   * first); an envelope with any other event, or with a field the fast path does not expect, is
   * parsed again with the generated classes.
   */
  private Envelope decodeFast(CodedInputStream in, ByteBuffer message)
      throws java.io.IOException, DecodeException {
    int start = message.position();
    HashMap<String, String> tags = new HashMap<>(32);
    String origin = null;
    String deployment = "";
    String job = "";
    String index = "";
    String ip = "";
    long ts = 0;
    boolean hasLog = false;
    byte[] payload = null;
    boolean err = false;
    long logTs = 0;
    boolean hasLogTs = false;
    String appId = null;
    String sourceType = null;
    String instance = null;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      switch (tag) {
        case ENV_ORIGIN -> origin = in.readString();
        case ENV_EVENT_TYPE -> in.readEnum();
        case ENV_TIMESTAMP -> ts = in.readInt64();
        case ENV_DEPLOYMENT -> deployment = in.readString();
        case ENV_JOB -> job = in.readString();
        case ENV_INDEX -> index = in.readString();
        case ENV_IP -> ip = in.readString();
        case ENV_TAGS -> {
          int limit = in.pushLimit(in.readRawVarint32());
          String key = "";
          String value = "";
          while (true) {
            int t = in.readTag();
            if (t == 0) {
              break;
            } else if (t == ENTRY_KEY) {
              key = readKey(in, message, start);
            } else if (t == ENTRY_VALUE) {
              value = in.readString();
            } else {
              skip(in, t);
            }
          }
          in.popLimit(limit);
          tags.put(key, value);
        }
        case ENV_LOG -> {
          hasLog = true;
          int limit = in.pushLimit(in.readRawVarint32());
          while (true) {
            int t = in.readTag();
            if (t == 0) {
              break;
            }
            switch (t) {
              case LOG_MESSAGE -> payload = in.readByteArray();
              case LOG_TYPE -> err = in.readEnum() == 2;
              case LOG_TIMESTAMP -> {
                logTs = in.readInt64();
                hasLogTs = true;
              }
              case LOG_APP_ID -> appId = in.readString();
              case LOG_SOURCE_TYPE -> sourceType = in.readString();
              case LOG_SOURCE_INSTANCE -> instance = in.readString();
              default -> skip(in, t);
            }
          }
          in.popLimit(limit);
        }
        default -> {
          // Another event (metrics, HTTP, errors), or a field we do not read: the generated
          // classes read the whole envelope.
          message.position(start);
          return slow(message);
        }
      }
    }
    if (!hasLog) {
      message.position(start);
      return slow(message);
    }
    // Envelope fields and tags as the slow path sets them.
    if (origin != null && !origin.isEmpty()) {
      tags.put("origin", origin);
    }
    putNonEmpty(tags, "deployment", deployment);
    putNonEmpty(tags, "job", job);
    putNonEmpty(tags, "index", index);
    putNonEmpty(tags, "ip", ip);
    if (sourceType != null && !sourceType.isEmpty()) {
      tags.put("source_type", sourceType);
    }
    String source = tags.getOrDefault("source_id", origin == null ? "" : origin);
    return new Envelope(
        hasLogTs ? logTs : ts,
        appId != null ? appId : source,
        instance != null ? instance : tags.getOrDefault("instance_id", ""),
        tags,
        new Envelope.Log(payload == null ? new byte[0] : payload, err),
        null,
        null);
  }

  /**
   * The tag keys Cloud Foundry sets on log envelopes: read as these constants rather than decoded
   * into new strings, a dozen times per envelope.
   */
  private static final String[] KNOWN_KEYS = {
    "app_id",
    "app_name",
    "deployment",
    "index",
    "instance_id",
    "ip",
    "job",
    "organization_id",
    "organization_name",
    "origin",
    "process_id",
    "process_instance_id",
    "process_type",
    "source_id",
    "source_type",
    "space_id",
    "space_name"
  };

  private static final byte[][] KNOWN_KEY_BYTES =
      java.util.Arrays.stream(KNOWN_KEYS)
          .map(k -> k.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .toArray(byte[][]::new);

  /** A map entry's key: a known one without decoding it, any other as protobuf reads strings. */
  private static String readKey(CodedInputStream in, ByteBuffer message, int start)
      throws java.io.IOException {
    if (!message.hasArray()) {
      return in.readString();
    }
    int len = in.readRawVarint32();
    int at = message.arrayOffset() + start + in.getTotalBytesRead();
    if (len > 0 && at + len <= message.arrayOffset() + message.limit()) {
      byte[] a = message.array();
      for (int k = 0; k < KNOWN_KEY_BYTES.length; k++) {
        byte[] known = KNOWN_KEY_BYTES[k];
        if (known.length == len && java.util.Arrays.equals(a, at, at + len, known, 0, len)) {
          in.skipRawBytes(len);
          return KNOWN_KEYS[k];
        }
      }
    }
    return new String(in.readRawBytes(len), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void skip(CodedInputStream in, int tag) throws java.io.IOException {
    if (!in.skipField(tag)) {
      throw new InvalidProtocolBufferException("unexpected end-group tag");
    }
  }

  private static void putNonEmpty(Map<String, String> tags, String key, String value) {
    if (!value.isEmpty()) {
      tags.put(key, value);
    }
  }

  private static Envelope slow(ByteBuffer message) throws DecodeException {
    EventFactory.Envelope e;
    try {
      e = EventFactory.Envelope.parser().parsePartialFrom(CodedInputStream.newInstance(message));
    } catch (InvalidProtocolBufferException ex) {
      throw new DecodeException("not a dropsonde envelope: " + ex.getMessage());
    }
    return convert(e);
  }

  static Envelope convert(EventFactory.Envelope e) throws DecodeException {
    TreeMap<String, String> tags = new TreeMap<>(e.getTagsMap());
    put(tags, "origin", e.hasOrigin(), e.getOrigin());
    put(tags, "deployment", e.hasDeployment(), e.getDeployment());
    put(tags, "job", e.hasJob(), e.getJob());
    put(tags, "index", e.hasIndex(), e.getIndex());
    put(tags, "ip", e.hasIp(), e.getIp());
    long ts = e.getTimestamp();
    String source = tags.getOrDefault("source_id", e.getOrigin());
    String instance = tags.getOrDefault("instance_id", "");
    // Decide by the sub-message present; eventType says which one should be, but a sender that
    // sets only the message is still understood.
    if (e.hasLogMessage()) {
      LogFactory.LogMessage m = e.getLogMessage();
      put(tags, "source_type", m.hasSourceType(), m.getSourceType());
      return new Envelope(
          m.hasTimestamp() ? m.getTimestamp() : ts,
          m.hasAppId() ? m.getAppId() : source,
          m.hasSourceInstance() ? m.getSourceInstance() : instance,
          tags,
          new Envelope.Log(
              m.getMessage().toByteArray(),
              m.getMessageType() == LogFactory.LogMessage.MessageType.ERR),
          null,
          null);
    }
    if (e.hasValueMetric()) {
      MetricFactory.ValueMetric m = e.getValueMetric();
      return new Envelope(
          ts,
          source,
          instance,
          tags,
          new Envelope.Gauge(
              Map.of(m.getName(), new Envelope.GaugeValue(m.getUnit(), m.getValue()))),
          null,
          null);
    }
    if (e.hasCounterEvent()) {
      MetricFactory.CounterEvent m = e.getCounterEvent();
      return new Envelope(
          ts,
          source,
          instance,
          tags,
          new Envelope.Counter(m.getName(), m.getDelta(), m.getTotal()),
          null,
          null);
    }
    if (e.hasContainerMetric()) {
      MetricFactory.ContainerMetric m = e.getContainerMetric();
      Map<String, Envelope.GaugeValue> g = new TreeMap<>();
      g.put("cpu", new Envelope.GaugeValue("percentage", m.getCpuPercentage()));
      g.put("memory", new Envelope.GaugeValue("bytes", unsigned(m.getMemoryBytes())));
      g.put("disk", new Envelope.GaugeValue("bytes", unsigned(m.getDiskBytes())));
      if (m.hasMemoryBytesQuota()) {
        g.put("memory_quota", new Envelope.GaugeValue("bytes", unsigned(m.getMemoryBytesQuota())));
      }
      if (m.hasDiskBytesQuota()) {
        g.put("disk_quota", new Envelope.GaugeValue("bytes", unsigned(m.getDiskBytesQuota())));
      }
      return new Envelope(
          ts,
          m.hasApplicationId() ? m.getApplicationId() : source,
          m.hasInstanceIndex() ? Integer.toString(m.getInstanceIndex()) : instance,
          tags,
          new Envelope.Gauge(g),
          null,
          null);
    }
    if (e.hasHttpStartStop()) {
      HttpFactory.HttpStartStop h = e.getHttpStartStop();
      if (h.hasRequestId()) {
        tags.put(
            "request_id", Uuids.toString(h.getRequestId().getLow(), h.getRequestId().getHigh()));
      }
      put(
          tags,
          "peer_type",
          h.hasPeerType(),
          h.getPeerType().name().toLowerCase(java.util.Locale.ROOT));
      put(tags, "method", h.hasMethod(), h.getMethod().name());
      put(tags, "uri", h.hasUri(), h.getUri());
      put(tags, "remote_address", h.hasRemoteAddress(), h.getRemoteAddress());
      put(tags, "user_agent", h.hasUserAgent(), h.getUserAgent());
      put(tags, "status_code", h.hasStatusCode(), Integer.toString(h.getStatusCode()));
      put(tags, "content_length", h.hasContentLength(), Long.toString(h.getContentLength()));
      put(tags, "instance_id", h.hasInstanceId(), h.getInstanceId());
      List<String> forwarded = h.getForwardedList();
      if (!forwarded.isEmpty()) {
        tags.put("forwarded", String.join("\n", forwarded));
      }
      String app =
          h.hasApplicationId()
              ? Uuids.toString(h.getApplicationId().getLow(), h.getApplicationId().getHigh())
              : source;
      return new Envelope(
          ts,
          app,
          h.hasInstanceIndex() ? Integer.toString(h.getInstanceIndex()) : instance,
          tags,
          new Envelope.Timer("http", h.getStartTimestamp(), h.getStopTimestamp()),
          null,
          null);
    }
    if (e.hasError()) {
      ErrorFactory.Error m = e.getError();
      tags.put("code", Integer.toString(m.getCode()));
      return new Envelope(
          ts,
          source,
          instance,
          tags,
          new Envelope.Event(m.getSource(), m.getMessage()),
          null,
          null);
    }
    throw new DecodeException(
        "dropsonde envelope carries no event (eventType "
            + (e.hasEventType() ? e.getEventType().name() : "missing")
            + ")");
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private static void put(Map<String, String> tags, String key, boolean has, String value) {
    if (has && !value.isEmpty()) {
      tags.put(key, value);
    }
  }
}
