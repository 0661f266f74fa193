package io.logpipe.bench.micro;

import io.logpipe.bench.NozzleIngestBench;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.nozzle.EnvelopeMapper;
import io.logpipe.nozzle.NozzleMetrics;
import io.logpipe.nozzle.envelope.DecodeException;
import io.logpipe.nozzle.envelope.DropsondeDecoder;
import io.logpipe.nozzle.envelope.Envelope;
import io.logpipe.nozzle.envelope.RlpJsonDecoder;
import io.logpipe.nozzle.stream.SseParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The nozzle's per-envelope work on the reader thread, one step at a time, over the same envelopes
 * as {@code bench/nozzle.sh}: the SSE framing and JSON decoding of a 100-envelope v2 event, the
 * protobuf decoding of a v1 envelope, the mapping to a record, and the record's JSON. Times are per
 * envelope.
 *
 * <pre>
 * java -cp 'logpipe-bench/target/classes:logpipe-bench/target/lib/*' org.openjdk.jmh.Main NozzlePathBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NozzlePathBenchmark {
  private static final int BATCH = 100;
  private List<byte[]> v2;
  private List<byte[]> v1;
  private List<LogRecord> records;
  private final RlpJsonDecoder json = new RlpJsonDecoder(16 << 20);
  private final DropsondeDecoder protobuf = new DropsondeDecoder();
  private final EnvelopeMapper mapper =
      new EnvelopeMapper("dc1", null, new NozzleMetrics(new SimpleMeterRegistry(), "bench"));
  private final Instant now = Instant.parse("2026-11-26T10:00:00Z");
  private int i;
  private Blackhole sink;
  private SseParser sse;

  @Setup
  public void setUp(Blackhole bh) {
    List<LogRecord> lines = NozzleIngestBench.appLines(42, 20_000);
    v2 = NozzleIngestBench.v2Events(lines, BATCH);
    v1 = NozzleIngestBench.v1Messages(lines);
    records = lines;
    sink = bh;
    sse =
        new SseParser(
            16 << 20,
            new SseParser.Listener() {
              @Override
              public void onEvent(String type, byte[] data, int length) {
                sink.consume(length);
              }

              @Override
              public void onOversized(long bytes) {}
            });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void v2SseFraming() {
    byte[] e = v2.get(i++ % v2.size());
    sse.feed(e, 0, e.length);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void v2DecodeAndMap(Blackhole bh) throws DecodeException {
    byte[] e = v2.get(i++ % v2.size());
    // The event minus "data: " and the blank line, as the SSE parser hands it over.
    List<Envelope> batch = json.decode(e, 6, e.length - 8);
    for (int k = 0; k < batch.size(); k++) {
      Envelope env = batch.get(k);
      bh.consume(mapper.toRecord(env, (Envelope.Log) env.message(), now));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void v2DecodeOnly(Blackhole bh) throws DecodeException {
    byte[] e = v2.get(i++ % v2.size());
    bh.consume(json.decode(e, 6, e.length - 8));
  }

  @Benchmark
  public LogRecord v1DecodeAndMap() throws DecodeException {
    Envelope env = protobuf.decode(ByteBuffer.wrap(v1.get(i++ % v1.size())));
    return mapper.toRecord(env, (Envelope.Log) env.message(), now);
  }

  @Benchmark
  public byte[] recordJson() {
    return LogRecordJson.encode(records.get(i++ % records.size()));
  }
}
