package io.logpipe.core.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical JSON form of a {@link LogRecord}, as it is stored in Kafka and in the archive, and
 * as documented in {@code docs/record-schema.md}. One record is one JSON object on one line, fields
 * in a fixed order, unknown (null) fields left out, so that equal records encode to equal bytes.
 *
 * <p>Thread-safe; holds no per-call state.
 */
public final class LogRecordJson {
  /** The schema version written in the {@code v} field. */
  public static final int SCHEMA_VERSION = 1;

  /** Most tags a record may carry; more is treated as bad input, not as a growing schema. */
  public static final int MAX_TAGS = 64;

  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(16)
                  .maxStringLength(64 * 1024 * 1024)
                  .build())
          // Characters outside the BMP as 4-byte UTF-8, not as escaped surrogate pairs.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private LogRecordJson() {}

  /**
   * One generator and buffer per thread, reused: creating them per record cost a third of encoding.
   */
  private static final ThreadLocal<Encoder> ENCODER = ThreadLocal.withInitial(Encoder::new);

  private static final class Encoder {
    final ByteArrayBuilder out = new ByteArrayBuilder(4096);
    final JsonGenerator generator;

    Encoder() {
      try {
        generator = FACTORY.createGenerator(out);
        generator.setRootValueSeparator(null);
      } catch (IOException e) {
        throw new UncheckedIOException("creating a generator in memory failed", e);
      }
    }
  }

  /** The record as UTF-8 JSON, without a trailing newline. */
  public static byte[] encode(LogRecord r) {
    Encoder e = ENCODER.get();
    e.out.reset();
    try {
      write(e.generator, r);
      e.generator.flush();
    } catch (IOException | RuntimeException ex) {
      // A generator left mid-object cannot be reused.
      ENCODER.remove();
      if (ex instanceof IOException) {
        throw new UncheckedIOException("writing to memory failed", (IOException) ex);
      }
      throw (RuntimeException) ex;
    }
    byte[] bytes = e.out.toByteArray();
    if (e.out.size() > 1 << 20) {
      // Do not keep a buffer grown by one huge record.
      ENCODER.remove();
    }
    return bytes;
  }

  /** Writes the record as one JSON object. */
  public static void write(JsonGenerator g, LogRecord r) throws IOException {
    StringBuilder time = new StringBuilder(32);
    g.writeStartObject();
    g.writeNumberField("v", SCHEMA_VERSION);
    Timestamps.append(time, r.time());
    g.writeStringField("time", time.toString());
    time.setLength(0);
    Timestamps.append(time, r.observedTime());
    g.writeStringField("observed_time", time.toString());
    g.writeStringField("kind", r.kind().json());
    field(g, "app_id", r.appId());
    field(g, "app_name", r.appName());
    field(g, "space_id", r.spaceId());
    field(g, "space_name", r.spaceName());
    field(g, "org_id", r.orgId());
    field(g, "org_name", r.orgName());
    field(g, "instance", r.instance());
    field(g, "source_type", r.sourceType());
    if (r.stream() != null) {
      g.writeStringField("stream", r.stream().json());
    }
    field(g, "host", r.host());
    field(g, "program", r.program());
    field(g, "pid", r.pid());
    if (r.facility() != null) {
      g.writeStringField("facility", r.facility().json());
    }
    if (r.severity() != null) {
      g.writeStringField("severity", r.severity().json());
    }
    g.writeStringField("message", r.message());
    if (!r.tags().isEmpty()) {
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> e : r.tags().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    field(g, "datacenter", r.datacenter());
    ParseProblem p = r.problem();
    if (p != null) {
      g.writeObjectFieldStart("problem");
      g.writeStringField("reason", p.reason());
      field(g, "raw", p.raw());
      field(g, "raw_base64", p.rawBase64());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  /**
   * Reads one record in canonical form. Unknown fields are skipped, so that a newer writer that
   * adds fields does not break an older reader.
   *
   * @throws RecordFormatException naming the field and the problem
   */
  public static LogRecord decode(byte[] json) {
    return decode(json, 0, json.length);
  }

  /** Reads one record in canonical form from part of an array. */
  public static LogRecord decode(byte[] json, int offset, int length) {
    try (JsonParser p = FACTORY.createParser(json, offset, length)) {
      LogRecord.Builder b = LogRecord.builder();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new RecordFormatException("expected a JSON object");
      }
      boolean sawVersion = false;
      boolean sawMessage = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "v":
            if (t != JsonToken.VALUE_NUMBER_INT || p.getIntValue() != SCHEMA_VERSION) {
              throw new RecordFormatException(
                  "field 'v': unsupported schema version "
                      + p.getText()
                      + " (this logpipe reads version "
                      + SCHEMA_VERSION
                      + ")");
            }
            sawVersion = true;
            break;
          case "time":
            b.time(time(p, name));
            break;
          case "observed_time":
            b.observedTime(time(p, name));
            break;
          case "kind":
            {
              String k = text(p, name);
              Kind kind = Kind.fromJson(k);
              if (kind == null) {
                throw new RecordFormatException(
                    "field 'kind': must be 'app' or 'component', not '" + k + "'");
              }
              b.kind(kind);
              break;
            }
          case "message":
            b.message(text(p, name));
            sawMessage = true;
            break;
          case "tags":
            b.tags(tags(p));
            break;
          case "problem":
            b.problem(problem(p));
            break;
          default:
            if (!setSimpleField(b, name, p)) {
              p.skipChildren();
            }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new RecordFormatException("expected a JSON object");
      }
      if (p.nextToken() != null) {
        throw new RecordFormatException("unexpected data after the JSON object");
      }
      if (!sawVersion) {
        throw new RecordFormatException("missing field 'v' (the schema version)");
      }
      requireField(b.kind(), "kind");
      if (!sawMessage) {
        throw new RecordFormatException("missing field 'message'");
      }
      try {
        return b.build();
      } catch (NullPointerException e) {
        throw new RecordFormatException("missing field '" + jsonName(e.getMessage()) + "'");
      }
    } catch (StreamReadException e) {
      throw new RecordFormatException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory failed", e);
    }
  }

  private static String jsonName(String javaName) {
    return "observedTime".equals(javaName) ? "observed_time" : javaName;
  }

  private static void requireField(Object value, String name) {
    if (value == null) {
      throw new RecordFormatException("missing field '" + name + "'");
    }
  }

  /**
   * Sets one of the plain string or enum fields shared by the canonical and the lenient form.
   *
   * @return false if {@code name} is not such a field
   */
  static boolean setSimpleField(LogRecord.Builder b, String name, JsonParser p) throws IOException {
    switch (name) {
      case "app_id":
        b.appId(text(p, name));
        return true;
      case "app_name":
        b.appName(text(p, name));
        return true;
      case "space_id":
        b.spaceId(text(p, name));
        return true;
      case "space_name":
        b.spaceName(text(p, name));
        return true;
      case "org_id":
        b.orgId(text(p, name));
        return true;
      case "org_name":
        b.orgName(text(p, name));
        return true;
      case "instance":
        b.instance(scalarText(p, name));
        return true;
      case "source_type":
        b.sourceType(text(p, name));
        return true;
      case "stream":
        {
          String s = text(p, name);
          Stream stream = s == null ? null : Stream.parse(s);
          if (s != null && stream == null) {
            throw new RecordFormatException(
                "field 'stream': must be 'out' or 'err', not '" + s + "'");
          }
          b.stream(stream);
          return true;
        }
      case "host":
        b.host(text(p, name));
        return true;
      case "program":
        b.program(text(p, name));
        return true;
      case "pid":
        b.pid(scalarText(p, name));
        return true;
      case "facility":
        {
          String s = scalarText(p, name);
          Facility f = s == null ? null : Facility.parse(s);
          if (s != null && f == null) {
            throw new RecordFormatException(
                "field 'facility': not a syslog facility name or code 0..23: '" + s + "'");
          }
          b.facility(f);
          return true;
        }
      case "severity":
        {
          String s = scalarText(p, name);
          Severity sev = s == null ? null : Severity.parse(s);
          if (s != null && sev == null) {
            throw new RecordFormatException(
                "field 'severity': not a severity (emerg alert crit err warning notice info debug,"
                    + " or 0..7): '"
                    + s
                    + "'");
          }
          b.severity(sev);
          return true;
        }
      case "datacenter":
        b.datacenter(text(p, name));
        return true;
      default:
        return false;
    }
  }

  static Instant time(JsonParser p, String name) throws IOException {
    String s = text(p, name);
    if (s == null) {
      return null;
    }
    try {
      return Timestamps.parse(s);
    } catch (DateTimeException e) {
      throw new RecordFormatException(
          "field '"
              + name
              + "': not an RFC 3339 timestamp such as 2026-11-26T10:15:30.123Z: '"
              + abbreviate(s)
              + "'");
    }
  }

  /** A string value, or null for JSON null. */
  static String text(JsonParser p, String name) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new RecordFormatException("field '" + name + "': expected a string, got " + describe(t));
  }

  /** A string, number or boolean value as text, or null for JSON null. */
  static String scalarText(JsonParser p, String name) throws IOException {
    JsonToken t = p.currentToken();
    if (t != null && t.isScalarValue()) {
      return t == JsonToken.VALUE_NULL ? null : p.getText();
    }
    throw new RecordFormatException(
        "field '" + name + "': expected a string or number, got " + describe(t));
  }

  static Map<String, String> tags(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new RecordFormatException(
          "field 'tags': expected an object of strings, got " + describe(p.currentToken()));
    }
    TreeMap<String, String> tags = new TreeMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      if (t == null || !t.isScalarValue() || t == JsonToken.VALUE_NULL) {
        throw new RecordFormatException(
            "field 'tags." + key + "': expected a string, got " + describe(t));
      }
      tags.put(key, p.getText());
      if (tags.size() > MAX_TAGS) {
        throw new RecordFormatException("field 'tags': more than " + MAX_TAGS + " tags");
      }
    }
    return tags;
  }

  private static ParseProblem problem(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new RecordFormatException(
          "field 'problem': expected an object, got " + describe(p.currentToken()));
    }
    String reason = null;
    String raw = null;
    String rawBase64 = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      switch (key) {
        case "reason":
          reason = text(p, "problem.reason");
          break;
        case "raw":
          raw = text(p, "problem.raw");
          break;
        case "raw_base64":
          rawBase64 = text(p, "problem.raw_base64");
          break;
        default:
          p.skipChildren();
      }
    }
    if (reason == null) {
      throw new RecordFormatException("field 'problem': missing 'reason'");
    }
    if ((raw == null) == (rawBase64 == null)) {
      throw new RecordFormatException(
          "field 'problem': needs exactly one of 'raw' and 'raw_base64'");
    }
    return new ParseProblem(reason, raw, rawBase64);
  }

  static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    switch (t) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.toString();
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
