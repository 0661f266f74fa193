package io.logpipe.nozzle.envelope;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes the {@code data:} of one RLP gateway event: an {@code EnvelopeBatch} in ProtoJSON, {@code
 * {"batch":[envelope, ...]}}. Lenient the way the ProtoJSON spec asks of parsers: 64-bit numbers as
 * strings or numbers, enums as names or numbers, base64 in either alphabet with or without padding,
 * JSON names or proto field names ({@code source_id} and {@code sourceId}), unknown fields skipped.
 *
 * <p>All or nothing per event: text that is not such a batch (not JSON, cut short, the wrong shape)
 * throws {@link DecodeException} and yields no envelope. Within a readable batch, an envelope that
 * carries no message is skipped and counted ({@link #skipped()}); a field whose value cannot be
 * read (a timestamp that is not a number, a payload that is not base64) leaves the envelope usable
 * with {@link Envelope#problem()} set and the envelope's text in {@link Envelope#raw()}.
 *
 * <p>Not thread-safe: one per connection.
 */
public final class RlpJsonDecoder {
  private final JsonFactory factory;
  private int skipped;
  private byte[] input;

  /**
   * @param maxEventBytes the longest event text; also bounds any one string in it
   */
  public RlpJsonDecoder(int maxEventBytes) {
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxStringLength(Math.max(1024, maxEventBytes))
                    .maxNumberLength(64)
                    .build())
            .build();
  }

  /** Envelopes without a message skipped by the last {@link #decode} call. */
  public int skipped() {
    return skipped;
  }

  /**
   * The envelopes of one event.
   *
   * @throws DecodeException if the text is not an envelope batch; nothing of it is returned
   */
  public List<Envelope> decode(byte[] data, int offset, int length) throws DecodeException {
    skipped = 0;
    input = data;
    List<Envelope> out = new ArrayList<>();
    try (JsonParser p = factory.createParser(data, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("event data is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("batch") && t == JsonToken.START_ARRAY) {
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
              throw new DecodeException(
                  "batch holds " + describe(t) + " where an envelope belongs");
            }
            Envelope e = envelope(p, offset);
            if (e != null) {
              out.add(e);
            } else {
              skipped++;
            }
          }
        } else if (name.equals("batch") && t != JsonToken.VALUE_NULL) {
          throw new DecodeException("\"batch\" is " + describe(t) + ", not a list");
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new DecodeException("event data has text after the batch object");
      }
      return out;
    } catch (IOException e) {
      // Jackson's parse errors (and its stream constraints) land here; the message says where.
      throw new DecodeException("event data is not valid JSON: " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      throw new DecodeException("event data could not be decoded: " + e);
    } finally {
      input = null;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the text";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /** Reads one envelope object; the parser is on its START_OBJECT. Null if it has no message. */
  private Envelope envelope(JsonParser p, int base) throws IOException, DecodeException {
    long start = p.currentTokenLocation().getByteOffset();
    Fields f = new Fields();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "timestamp" -> f.timestamp = int64(p, t, f, "timestamp");
        case "source_id", "sourceId" -> f.sourceId = text(p, t, f, name);
        case "instance_id", "instanceId" -> f.instanceId = text(p, t, f, name);
        case "tags" -> tags(p, t, f);
        case "deprecated_tags", "deprecatedTags" -> deprecatedTags(p, t, f);
        case "log" -> f.message = log(p, t, f);
        case "counter" -> f.message = counter(p, t, f);
        case "gauge" -> f.message = gauge(p, t, f);
        case "timer" -> f.message = timer(p, t, f);
        case "event" -> f.message = event(p, t, f);
        default -> p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new DecodeException("envelope object is not closed");
    }
    if (f.message == null) {
      return null;
    }
    Map<String, String> tags = f.tags != null ? f.tags : new HashMap<>();
    if (f.deprecated != null) {
      // Typed legacy tags; the string tags win on a clash.
      for (Map.Entry<String, String> e : f.deprecated.entrySet()) {
        tags.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    byte[] raw = null;
    if (f.problem != null) {
      long end = p.currentLocation().getByteOffset();
      int from = base + (int) start;
      int to = base + (int) end;
      if (from >= 0 && to <= input.length && to > from) {
        raw = java.util.Arrays.copyOfRange(input, from, to);
      }
    }
    return new Envelope(
        f.timestamp,
        f.sourceId == null ? "" : f.sourceId,
        f.instanceId == null ? "" : f.instanceId,
        tags,
        f.message,
        f.problem,
        raw);
  }

  /** What one envelope object held, while it is read. */
  private static final class Fields {
    long timestamp;
    String sourceId;
    String instanceId;
    // A hash map: the keys are the parser's canonical names (hash codes cached); whoever needs
    // order sorts (a tree map here was a sixth of a log envelope's decoding).
    HashMap<String, String> tags;
    Map<String, String> deprecated;
    Envelope.Message message;
    String problem;

    void problem(String what) {
      problem = problem == null ? what : problem + "; " + what;
    }
  }

  private static String text(JsonParser p, JsonToken t, Fields f, String field) throws IOException {
    if (t == JsonToken.VALUE_STRING || t.isScalarValue() && t != JsonToken.VALUE_NULL) {
      return p.getText();
    }
    if (t != JsonToken.VALUE_NULL) {
      f.problem("\"" + field + "\" is " + describe(t) + ", not a string");
      p.skipChildren();
    }
    return null;
  }

  /** A 64-bit integer, signed or not, from a string or a number; 0 and a problem otherwise. */
  private static long int64(JsonParser p, JsonToken t, Fields f, String field) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      try {
        return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
      } catch (NumberFormatException e) {
        f.problem("\"" + field + "\" is \"" + abbreviate(s) + "\", not a 64-bit integer");
        return 0;
      }
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return switch (p.getNumberType()) {
        case INT, LONG -> p.getLongValue();
        default -> {
          // Above Long.MAX_VALUE: an unsigned 64-bit value, or out of range.
          java.math.BigInteger b = p.getBigIntegerValue();
          if (b.signum() >= 0 && b.bitLength() <= 64) {
            yield b.longValue();
          }
          f.problem("\"" + field + "\" " + b + " is outside 64 bits");
          yield 0;
        }
      };
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 9.2e18) {
        return (long) d;
      }
    }
    if (t != JsonToken.VALUE_NULL) {
      f.problem("\"" + field + "\" is " + describe(t) + ", not a 64-bit integer");
      p.skipChildren();
    }
    return 0;
  }

  private static double float64(JsonParser p, JsonToken t, Fields f, String field)
      throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      switch (s) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(s);
          } catch (NumberFormatException e) {
            f.problem("\"" + field + "\" is \"" + abbreviate(s) + "\", not a number");
            return 0;
          }
      }
    }
    if (t != JsonToken.VALUE_NULL) {
      f.problem("\"" + field + "\" is " + describe(t) + ", not a number");
      p.skipChildren();
    }
    return 0;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static boolean object(JsonParser p, JsonToken t, Fields f, String field)
      throws IOException {
    if (t == JsonToken.START_OBJECT) {
      return true;
    }
    if (t != JsonToken.VALUE_NULL) {
      f.problem("\"" + field + "\" is " + describe(t) + ", not an object");
      p.skipChildren();
    }
    return false;
  }

  private static void tags(JsonParser p, JsonToken t, Fields f) throws IOException {
    if (!object(p, t, f, "tags")) {
      return;
    }
    HashMap<String, String> tags = f.tags != null ? f.tags : new HashMap<>(32);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      String value = text(p, p.nextToken(), f, "tags." + key);
      if (value != null) {
        tags.put(key, value);
      }
    }
    f.tags = tags;
  }

  /** {@code {"name": {"text": "..."} | {"integer": "5"} | {"decimal": 1.5}}}, as strings. */
  private static void deprecatedTags(JsonParser p, JsonToken t, Fields f) throws IOException {
    if (!object(p, t, f, "deprecated_tags")) {
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      if (!object(p, v, f, "deprecated_tags." + key)) {
        continue;
      }
      String value = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String kind = p.currentName();
        JsonToken vt = p.nextToken();
        switch (kind) {
          case "text" -> value = text(p, vt, f, "deprecated_tags." + key);
          case "integer" -> value = Long.toString(int64(p, vt, f, "deprecated_tags." + key));
          case "decimal" -> value = Double.toString(float64(p, vt, f, "deprecated_tags." + key));
          default -> p.skipChildren();
        }
      }
      if (value != null) {
        if (f.deprecated == null) {
          f.deprecated = new HashMap<>();
        }
        f.deprecated.put(key, value);
      }
    }
  }

  private static Envelope.Message log(JsonParser p, JsonToken t, Fields f) throws IOException {
    if (!object(p, t, f, "log")) {
      return null;
    }
    byte[] payload = new byte[0];
    boolean err = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "payload" -> {
          if (v == JsonToken.VALUE_STRING) {
            try {
              payload =
                  Base64Text.decode(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            } catch (IllegalArgumentException e) {
              f.problem("\"log.payload\": " + e.getMessage());
            }
          } else if (v != JsonToken.VALUE_NULL) {
            f.problem("\"log.payload\" is " + describe(v) + ", not base64 text");
            p.skipChildren();
          }
        }
        case "type" -> {
          if (v == JsonToken.VALUE_STRING) {
            String s = p.getText();
            if (s.equals("ERR")) {
              err = true;
            } else if (!s.equals("OUT")) {
              f.problem("\"log.type\" is \"" + abbreviate(s) + "\", not OUT or ERR");
            }
          } else if (v == JsonToken.VALUE_NUMBER_INT) {
            int n = p.getValueAsInt(-1);
            if (n == 1) {
              err = true;
            } else if (n != 0) {
              f.problem("\"log.type\" is " + p.getText() + ", not 0 (OUT) or 1 (ERR)");
            }
          } else if (v != JsonToken.VALUE_NULL) {
            f.problem("\"log.type\" is " + describe(v) + ", not OUT or ERR");
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return new Envelope.Log(payload, err);
  }

  private static Envelope.Message counter(JsonParser p, JsonToken t, Fields f) throws IOException {
    NamedPair n = namedPair(p, t, f, COUNTER);
    return n == null ? null : new Envelope.Counter(n.name(), n.first(), n.second());
  }

  /**
   * The shape of counters and timers: a name and two 64-bit numbers, with the field paths that
   * problems name, joined once rather than per envelope.
   */
  private record PairShape(
      String what,
      String first,
      String second,
      String nameLabel,
      String firstLabel,
      String secondLabel) {
    static PairShape of(String what, String first, String second) {
      return new PairShape(
          what, first, second, what + ".name", what + "." + first, what + "." + second);
    }
  }

  private static final PairShape COUNTER = PairShape.of("counter", "delta", "total");
  private static final PairShape TIMER = PairShape.of("timer", "start", "stop");

  private record NamedPair(String name, long first, long second) {}

  /** {@code {"name": "...", "<first>": "N", "<second>": "N"}}; null if not an object. */
  private static NamedPair namedPair(JsonParser p, JsonToken t, Fields f, PairShape shape)
      throws IOException {
    if (!object(p, t, f, shape.what())) {
      return null;
    }
    String name = "";
    long a = 0;
    long b = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("name")) {
        name = orEmpty(text(p, v, f, shape.nameLabel()));
      } else if (field.equals(shape.first())) {
        a = int64(p, v, f, shape.firstLabel());
      } else if (field.equals(shape.second())) {
        b = int64(p, v, f, shape.secondLabel());
      } else {
        p.skipChildren();
      }
    }
    return new NamedPair(name, a, b);
  }

  private static Envelope.Message gauge(JsonParser p, JsonToken t, Fields f) throws IOException {
    if (!object(p, t, f, "gauge")) {
      return null;
    }
    Map<String, Envelope.GaugeValue> metrics = new TreeMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (!field.equals("metrics")) {
        p.skipChildren();
        continue;
      }
      if (!object(p, v, f, "gauge.metrics")) {
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String metric = p.currentName();
        if (!object(p, p.nextToken(), f, "gauge.metrics." + metric)) {
          continue;
        }
        String unit = "";
        double value = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          JsonToken vt = p.nextToken();
          switch (k) {
            case "unit" -> unit = orEmpty(text(p, vt, f, "gauge.metrics." + metric + ".unit"));
            case "value" -> value = float64(p, vt, f, "gauge.metrics." + metric + ".value");
            default -> p.skipChildren();
          }
        }
        metrics.put(metric, new Envelope.GaugeValue(unit, value));
      }
    }
    return new Envelope.Gauge(metrics);
  }

  private static Envelope.Message timer(JsonParser p, JsonToken t, Fields f) throws IOException {
    NamedPair n = namedPair(p, t, f, TIMER);
    return n == null ? null : new Envelope.Timer(n.name(), n.first(), n.second());
  }

  private static Envelope.Message event(JsonParser p, JsonToken t, Fields f) throws IOException {
    if (!object(p, t, f, "event")) {
      return null;
    }
    String title = "";
    String body = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "title" -> title = orEmpty(text(p, v, f, "event.title"));
        case "body" -> body = orEmpty(text(p, v, f, "event.body"));
        default -> p.skipChildren();
      }
    }
    return new Envelope.Event(title, body);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
