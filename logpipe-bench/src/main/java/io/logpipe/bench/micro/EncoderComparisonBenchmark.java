package io.logpipe.bench.micro;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.logpipe.bench.LoadGenerator;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why the canonical encoder is hand-written: it against the same record written field by field
 * through a reused Jackson generator (the encoder it replaced), in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EncoderComparisonBenchmark {
  private static final int N = 4096;
  private final LogRecord[] records = new LogRecord[N];
  private final ByteArrayBuilder out = new ByteArrayBuilder(4096);
  private JsonGenerator generator;
  private int i;

  @Setup
  public void setUp() throws IOException {
    LoadGenerator gen = new LoadGenerator(7);
    for (int k = 0; k < N; k++) {
      records[k] = gen.next();
    }
    generator =
        JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build()
            .createGenerator(out);
    generator.setRootValueSeparator(null);
  }

  private LogRecord next() {
    i = (i + 1) & (N - 1);
    return records[i];
  }

  @Benchmark
  public byte[] handWritten() {
    return LogRecordJson.encode(next());
  }

  @Benchmark
  public byte[] jacksonGenerator() throws IOException {
    LogRecord r = next();
    out.reset();
    JsonGenerator g = generator;
    g.writeStartObject();
    g.writeNumberField("v", 1);
    g.writeStringField("time", r.time().toString());
    g.writeStringField("observed_time", r.observedTime().toString());
    g.writeStringField("kind", r.kind().json());
    str(g, "app_id", r.appId());
    str(g, "app_name", r.appName());
    str(g, "space_id", r.spaceId());
    str(g, "space_name", r.spaceName());
    str(g, "org_id", r.orgId());
    str(g, "org_name", r.orgName());
    str(g, "instance", r.instance());
    str(g, "source_type", r.sourceType());
    str(g, "stream", r.stream() == null ? null : r.stream().json());
    str(g, "host", r.host());
    str(g, "program", r.program());
    str(g, "pid", r.pid());
    str(g, "facility", r.facility() == null ? null : r.facility().json());
    str(g, "severity", r.severity() == null ? null : r.severity().json());
    g.writeStringField("message", r.message());
    if (!r.tags().isEmpty()) {
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> e : r.tags().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    str(g, "datacenter", r.datacenter());
    g.writeEndObject();
    g.flush();
    return out.toByteArray();
  }

  private static void str(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }
}
