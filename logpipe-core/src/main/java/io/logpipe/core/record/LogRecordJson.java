package io.logpipe.core.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

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

  /** One output buffer per thread, reused across records. */
  private static final ThreadLocal<Encoder> ENCODER = ThreadLocal.withInitial(Encoder::new);

  /** Per-thread encoding state. */
  private static final class Encoder implements BiConsumer<String, String> {
    final JsonOut out = new JsonOut(4096);
    boolean firstTag;

    /** Writes one tag; {@code Map.forEach} on the record's read-only view allocates nothing. */
    @Override
    public void accept(String key, String value) {
      if (!firstTag) {
        out.raw(',');
      }
      firstTag = false;
      out.raw('"');
      out.escaped(key);
      out.raw(QUOTE_COLON_QUOTE);
      out.escaped(value);
      out.raw('"');
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static final byte[] OPEN = ascii("{\"v\":" + SCHEMA_VERSION + ",\"time\":\"");
  private static final byte[] OBSERVED = ascii("\",\"observed_time\":\"");
  private static final byte[] KIND_APP = ascii("\",\"kind\":\"app\"");
  private static final byte[] KIND_COMPONENT = ascii("\",\"kind\":\"component\"");
  private static final byte[] APP_ID = ascii(",\"app_id\":\"");
  private static final byte[] APP_NAME = ascii(",\"app_name\":\"");
  private static final byte[] SPACE_ID = ascii(",\"space_id\":\"");
  private static final byte[] SPACE_NAME = ascii(",\"space_name\":\"");
  private static final byte[] ORG_ID = ascii(",\"org_id\":\"");
  private static final byte[] ORG_NAME = ascii(",\"org_name\":\"");
  private static final byte[] INSTANCE = ascii(",\"instance\":\"");
  private static final byte[] SOURCE_TYPE = ascii(",\"source_type\":\"");
  private static final byte[] STREAM = ascii(",\"stream\":\"");
  private static final byte[] HOST = ascii(",\"host\":\"");
  private static final byte[] PROGRAM = ascii(",\"program\":\"");
  private static final byte[] PID = ascii(",\"pid\":\"");
  private static final byte[] FACILITY = ascii(",\"facility\":\"");
  private static final byte[] SEVERITY = ascii(",\"severity\":\"");
  private static final byte[] MESSAGE = ascii(",\"message\":\"");
  private static final byte[] TAGS = ascii(",\"tags\":{");
  private static final byte[] DATACENTER = ascii(",\"datacenter\":\"");
  private static final byte[] PROBLEM = ascii(",\"problem\":{\"reason\":\"");
  private static final byte[] RAW = ascii(",\"raw\":\"");
  private static final byte[] RAW_BASE64 = ascii(",\"raw_base64\":\"");
  private static final byte[] QUOTE_COLON_QUOTE = ascii("\":\"");

  /**
   * The record as UTF-8 JSON, without a trailing newline. Hand-written rather than through a
   * Jackson generator: this runs once per record on every ingest path, and writing the fixed field
   * names as prepared bytes costs far less. Any JSON parser reads the text back ({@link #decode}).
   */
  public static byte[] encode(LogRecord r) {
    Encoder e = ENCODER.get();
    JsonOut o = e.out;
    o.reset();
    o.raw(OPEN);
    o.timestamp(r.time());
    o.raw(OBSERVED);
    o.timestamp(r.observedTime());
    o.raw(r.kind() == Kind.APP ? KIND_APP : KIND_COMPONENT);
    field(o, APP_ID, r.appId());
    field(o, APP_NAME, r.appName());
    field(o, SPACE_ID, r.spaceId());
    field(o, SPACE_NAME, r.spaceName());
    field(o, ORG_ID, r.orgId());
    field(o, ORG_NAME, r.orgName());
    field(o, INSTANCE, r.instance());
    field(o, SOURCE_TYPE, r.sourceType());
    if (r.stream() != null) {
      field(o, STREAM, r.stream().json());
    }
    field(o, HOST, r.host());
    field(o, PROGRAM, r.program());
    field(o, PID, r.pid());
    if (r.facility() != null) {
      field(o, FACILITY, r.facility().json());
    }
    if (r.severity() != null) {
      field(o, SEVERITY, r.severity().json());
    }
    field(o, MESSAGE, r.message());
    if (!r.tags().isEmpty()) {
      o.raw(TAGS);
      e.firstTag = true;
      r.tags().forEach(e);
      o.raw('}');
    }
    field(o, DATACENTER, r.datacenter());
    ParseProblem p = r.problem();
    if (p != null) {
      o.raw(PROBLEM);
      o.escaped(p.reason());
      o.raw('"');
      field(o, RAW, p.raw());
      field(o, RAW_BASE64, p.rawBase64());
      o.raw('}');
    }
    o.raw('}');
    byte[] bytes = o.toByteArray();
    if (o.capacity() > 1 << 20) {
      // Do not keep a buffer grown by one huge record.
      ENCODER.remove();
    }
    return bytes;
  }

  private static void field(JsonOut o, byte[] prefix, String value) {
    if (value != null) {
      o.raw(prefix);
      o.escaped(value);
      o.raw('"');
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
