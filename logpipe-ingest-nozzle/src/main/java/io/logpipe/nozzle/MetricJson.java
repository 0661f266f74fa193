package io.logpipe.nozzle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.logpipe.core.record.Timestamps;
import io.logpipe.nozzle.envelope.Envelope;
import io.logpipe.nozzle.platform.AppNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * The JSON of a metric or event envelope on the metrics topic (schema in {@code docs/nozzle.md}):
 * one object per envelope, fields in a fixed order, unknown ones left out; 64-bit counters as
 * unsigned JSON numbers; gauge values as numbers, or the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"} (which JSON numbers cannot be). Not thread-safe: one per reader thread.
 */
final class MetricJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final ByteArrayBuilder out = new ByteArrayBuilder(512);
  private final StringBuilder time = new StringBuilder(32);

  byte[] encode(Envelope e, Instant observed, AppNames.AppInfo names, String datacenter) {
    out.reset();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", 1);
      g.writeStringField("time", format(e.timestamp() == 0 ? observed : instant(e.timestamp())));
      g.writeStringField("observed_time", format(observed));
      g.writeStringField("type", e.type().id());
      g.writeStringField("source_id", e.sourceId());
      if (!e.instanceId().isEmpty()) {
        g.writeStringField("instance_id", e.instanceId());
      }
      if (names != null) {
        optional(g, "app_name", names.appName());
        optional(g, "space_id", names.spaceId());
        optional(g, "space_name", names.spaceName());
        optional(g, "org_id", names.orgId());
        optional(g, "org_name", names.orgName());
      }
      if (!e.tags().isEmpty()) {
        g.writeObjectFieldStart("tags");
        // Sorted, so that the same envelope always gives the same bytes.
        Map<String, String> sorted =
            e.tags() instanceof java.util.SortedMap<String, String> s
                ? s
                : new java.util.TreeMap<>(e.tags());
        for (Map.Entry<String, String> t : sorted.entrySet()) {
          g.writeStringField(t.getKey(), t.getValue());
        }
        g.writeEndObject();
      }
      Envelope.Message m = e.message();
      if (m instanceof Envelope.Counter c) {
        g.writeObjectFieldStart("counter");
        g.writeStringField("name", c.name());
        g.writeFieldName("delta");
        g.writeNumber(Long.toUnsignedString(c.delta()));
        g.writeFieldName("total");
        g.writeNumber(Long.toUnsignedString(c.total()));
        g.writeEndObject();
      } else if (m instanceof Envelope.Gauge gauge) {
        g.writeObjectFieldStart("gauge");
        for (Map.Entry<String, Envelope.GaugeValue> v : gauge.metrics().entrySet()) {
          g.writeObjectFieldStart(v.getKey());
          g.writeStringField("unit", v.getValue().unit());
          double d = v.getValue().value();
          g.writeFieldName("value");
          if (Double.isNaN(d)) {
            g.writeString("NaN");
          } else if (Double.isInfinite(d)) {
            g.writeString(d > 0 ? "Infinity" : "-Infinity");
          } else {
            g.writeNumber(d);
          }
          g.writeEndObject();
        }
        g.writeEndObject();
      } else if (m instanceof Envelope.Timer t) {
        g.writeObjectFieldStart("timer");
        g.writeStringField("name", t.name());
        g.writeStringField("start", format(instant(t.start())));
        g.writeStringField("stop", format(instant(t.stop())));
        g.writeNumberField("duration_ns", t.stop() - t.start());
        g.writeEndObject();
      } else if (m instanceof Envelope.Event ev) {
        g.writeObjectFieldStart("event");
        g.writeStringField("title", ev.title());
        g.writeStringField("body", ev.body());
        g.writeEndObject();
      }
      optional(g, "datacenter", datacenter);
      if (e.problem() != null) {
        g.writeObjectFieldStart("problem");
        g.writeStringField("reason", e.problem());
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  private static void optional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private String format(Instant t) {
    time.setLength(0);
    Timestamps.append(time, t);
    return time.toString();
  }

  /** UNIX nanoseconds as an instant. */
  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
