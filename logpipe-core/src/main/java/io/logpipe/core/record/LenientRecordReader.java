package io.logpipe.core.record;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.TreeMap;

/**
 * Reads the records that clients send to the ingest API: the canonical schema, or a minimal form
 * such as {@code {"app":"my-app","msg":"hello"}}. The accepted shapes are documented in {@code
 * docs/record-schema.md} ("Ingest form").
 *
 * <ul>
 *   <li>{@code msg} is an alias for {@code message}; {@code app} for {@code app_name}; {@code ts},
 *       {@code timestamp} and {@code @timestamp} for {@code time}; {@code level} for {@code
 *       severity} (which also takes names such as {@code error}, {@code warn}).
 *   <li>{@code kind} may be left out: a record with an app field is an app record, one with {@code
 *       host} or {@code program} a component record.
 *   <li>{@code time} defaults to the time of receipt; {@code observed_time} is the time of receipt
 *       unless the record carries one (so that replayed canonical records stay identical); {@code
 *       datacenter} defaults to this node's.
 *   <li>Other top-level fields with scalar values become tags; objects and arrays are rejected, so
 *       that client JSON never grows the schema.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class LenientRecordReader {
  private final String datacenter;

  /**
   * @param datacenter the datacenter to stamp on records that do not name one; may be null
   */
  public LenientRecordReader(String datacenter) {
    this.datacenter = datacenter == null || datacenter.isEmpty() ? null : datacenter;
  }

  /**
   * Reads one record.
   *
   * @param receivedAt the time of receipt
   * @throws RecordFormatException naming the field and the problem
   */
  public LogRecord read(byte[] json, int offset, int length, Instant receivedAt) {
    try (JsonParser p = LogRecordJson.FACTORY.createParser(json, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new RecordFormatException("expected a JSON object");
      }
      LogRecord.Builder b = LogRecord.builder();
      TreeMap<String, String> tags = null;
      TreeMap<String, String> extra = null;
      String message = null;
      String appAlias = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "v":
            if (t != JsonToken.VALUE_NUMBER_INT
                || p.getIntValue() != LogRecordJson.SCHEMA_VERSION) {
              throw new RecordFormatException(
                  "field 'v': unsupported schema version " + p.getText());
            }
            break;
          case "message":
          case "msg":
            message = LogRecordJson.scalarText(p, name);
            break;
          case "app":
            appAlias = LogRecordJson.text(p, name);
            break;
          case "time":
          case "ts":
          case "timestamp":
          case "@timestamp":
            b.time(LogRecordJson.time(p, name));
            break;
          case "observed_time":
            b.observedTime(LogRecordJson.time(p, name));
            break;
          case "level":
            LogRecordJson.setSimpleField(b, "severity", p);
            break;
          case "kind":
            {
              String k = LogRecordJson.text(p, name);
              Kind kind = k == null ? null : Kind.fromJson(k);
              if (k != null && kind == null) {
                throw new RecordFormatException(
                    "field 'kind': must be 'app' or 'component', not '" + k + "'");
              }
              b.kind(kind);
              break;
            }
          case "tags":
            {
              var t2 = LogRecordJson.tags(p);
              if (t2 != null) {
                tags = tags == null ? new TreeMap<>() : tags;
                tags.putAll(t2);
              }
              break;
            }
          case "problem":
            throw new RecordFormatException(
                "field 'problem': set by logpipe's parsers, not accepted from clients");
          default:
            if (!LogRecordJson.setSimpleField(b, name, p)) {
              if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                throw new RecordFormatException(
                    "field '"
                        + name
                        + "': unknown field with "
                        + LogRecordJson.describe(t)
                        + " value; unknown fields must be strings, numbers or booleans (they become"
                        + " tags)");
              }
              if (t != JsonToken.VALUE_NULL) {
                extra = extra == null ? new TreeMap<>() : extra;
                extra.put(name, p.getText());
              }
            }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new RecordFormatException("expected a JSON object");
      }
      if (p.nextToken() != null) {
        throw new RecordFormatException("unexpected data after the JSON object");
      }
      return finish(b, tags, extra, message, appAlias, receivedAt);
    } catch (StreamReadException e) {
      throw new RecordFormatException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory failed", e);
    }
  }

  private LogRecord finish(
      LogRecord.Builder b,
      TreeMap<String, String> tags,
      TreeMap<String, String> extra,
      String message,
      String appAlias,
      Instant receivedAt) {
    if (message == null) {
      throw new RecordFormatException("missing field 'message' (or 'msg')");
    }
    b.message(message);
    if (b.time == null) {
      b.time(receivedAt);
    }
    if (b.observedTime == null) {
      b.observedTime(receivedAt);
    }
    if (appAlias != null && b.appName == null) {
      b.appName(appAlias);
    }
    if (b.datacenter == null) {
      b.datacenter(datacenter);
    }
    if (extra != null) {
      if (tags == null) {
        tags = extra;
      } else {
        for (var e : extra.entrySet()) {
          tags.putIfAbsent(e.getKey(), e.getValue());
        }
      }
    }
    if (tags != null) {
      if (tags.size() > LogRecordJson.MAX_TAGS) {
        throw new RecordFormatException(
            "too many tags and unknown fields: "
                + tags.size()
                + " (at most "
                + LogRecordJson.MAX_TAGS
                + ")");
      }
      b.tags(tags);
    }
    if (b.kind == null) {
      if (b.appName != null || b.appId != null) {
        b.kind(Kind.APP);
      } else if (b.host != null || b.program != null) {
        b.kind(Kind.COMPONENT);
      } else {
        throw new RecordFormatException(
            "cannot tell an app record from a component record: give 'app' (the app name),"
                + " 'app_id' or 'host', or set 'kind'");
      }
    }
    return b.build();
  }
}
