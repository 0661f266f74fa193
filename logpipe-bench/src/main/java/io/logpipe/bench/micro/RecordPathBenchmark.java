package io.logpipe.bench.micro;

import io.logpipe.bench.LoadGenerator;
import io.logpipe.core.record.LenientRecordReader;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.syslog.SyslogParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * The per-record work of the ingest paths, one step at a time, over the load generator's records
 * (4,096 distinct ones, cycled): encoding the canonical JSON, decoding it, reading the HTTP ingest
 * form, and parsing an RFC 5424 syslog line.
 *
 * <pre>
 * java -cp 'logpipe-bench/target/classes:logpipe-bench/target/lib/*' org.openjdk.jmh.Main RecordPathBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordPathBenchmark {
  private static final int N = 4096;
  private final LogRecord[] records = new LogRecord[N];
  private final byte[][] json = new byte[N][];
  private final byte[][] syslog = new byte[N][];
  private final LenientRecordReader reader = new LenientRecordReader("dc1");
  private final SyslogParser parser = new SyslogParser(SyslogParser.Options.defaults());
  private final Instant now = Instant.parse("2026-11-26T10:00:00Z");
  private int i;

  @Setup
  public void setUp() {
    LoadGenerator gen = new LoadGenerator(7);
    for (int k = 0; k < N; k++) {
      records[k] = gen.next();
      json[k] = LogRecordJson.encode(records[k]);
      syslog[k] = gen.nextSyslog5424Line(now).getBytes(StandardCharsets.UTF_8);
    }
  }

  private int next() {
    i = (i + 1) & (N - 1);
    return i;
  }

  @Benchmark
  public byte[] encodeCanonicalJson() {
    return LogRecordJson.encode(records[next()]);
  }

  @Benchmark
  public LogRecord decodeCanonicalJson() {
    return LogRecordJson.decode(json[next()]);
  }

  @Benchmark
  public LogRecord readIngestLine() {
    byte[] b = json[next()];
    return reader.read(b, 0, b.length, now);
  }

  @Benchmark
  public LogRecord parseSyslog5424() {
    byte[] b = syslog[next()];
    return parser.parse(b, 0, b.length, now, "127.0.0.1");
  }

  @Benchmark
  public byte[] parseSyslogAndEncode() {
    byte[] b = syslog[next()];
    return LogRecordJson.encode(parser.parse(b, 0, b.length, now, "127.0.0.1"));
  }
}
