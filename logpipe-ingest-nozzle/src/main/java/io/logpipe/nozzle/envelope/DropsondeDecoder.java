package io.logpipe.nozzle.envelope;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
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
    EventFactory.Envelope e;
    try {
      e = EventFactory.Envelope.parser().parsePartialFrom(CodedInputStream.newInstance(message));
    } catch (InvalidProtocolBufferException ex) {
      throw new DecodeException("not a dropsonde envelope: " + ex.getMessage());
    } catch (RuntimeException ex) {
      throw new DecodeException("not a dropsonde envelope: " + ex);
    }
    return convert(e);
  }

  /** The envelope in {@code bytes}; see {@link #decode(ByteBuffer)}. */
  public Envelope decode(byte[] bytes) throws DecodeException {
    return decode(ByteBuffer.wrap(bytes));
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
