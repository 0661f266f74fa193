package io.logpipe.core.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Input that logpipe could not turn into a {@link LogRecord}, kept with the reason on the
 * dead-letter topic so that nothing is lost silently. Its JSON form is documented in {@code
 * docs/record-schema.md}.
 *
 * @param time when the input was rejected
 * @param source which ingest path rejected it, such as {@code http}
 * @param reason why, in words an operator can act on
 * @param problem the reason and the raw input exactly as received
 * @param context where it came from, such as {@code line} and {@code remote}; never null
 */
public record DeadLetter(
    Instant time, String source, ParseProblem problem, Map<String, String> context) {

  public DeadLetter {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(problem, "problem");
    context =
        context == null || context.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(context));
  }

  /** The reason the input was rejected. */
  public String reason() {
    return problem.reason();
  }

  /** The dead letter as one line of UTF-8 JSON. */
  public byte[] toJson() {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    try (JsonGenerator g = LogRecordJson.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", LogRecordJson.SCHEMA_VERSION);
      g.writeStringField("time", Timestamps.format(time));
      g.writeStringField("source", source);
      g.writeStringField("reason", problem.reason());
      if (problem.raw() != null) {
        g.writeStringField("raw", problem.raw());
      } else {
        g.writeStringField("raw_base64", problem.rawBase64());
      }
      if (!context.isEmpty()) {
        g.writeObjectFieldStart("context");
        for (Map.Entry<String, String> e : context.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return out.toByteArray();
  }
}
