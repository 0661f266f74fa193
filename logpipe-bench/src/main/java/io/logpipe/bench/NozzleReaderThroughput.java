package io.logpipe.bench;

import io.logpipe.core.config.ConfigFiles;
import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import io.logpipe.nozzle.Nozzle;
import io.logpipe.nozzle.NozzleSettings;
import io.logpipe.nozzle.fake.FakeRlpGateway;
import io.logpipe.nozzle.fake.FakeTrafficController;
import io.logpipe.nozzle.fake.FakeUaa;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nozzle's reading side alone, in one JVM: the fake gateway or traffic controller, the nozzle's
 * stream, decoding, mapping and the record JSON, into a topic writer that drops every record (no
 * Kafka). Shows what the reader can do, apart from the producer and the broker.
 *
 * <pre>
 * java -cp 'logpipe-bench/target/classes:logpipe-bench/target/lib/*' io.logpipe.bench.NozzleReaderThroughput v1 10
 * </pre>
 */
public final class NozzleReaderThroughput {
  private NozzleReaderThroughput() {}

  public static void main(String[] args) throws Exception {
    String api = args.length > 0 ? args[0] : "v2";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<LogRecord> lines = NozzleIngestBench.appLines(42, 20_000);
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    RecordPublisher sink =
        new RecordPublisher() {
          @Override
          public void publish(LogRecord record, Delivery callback) {
            callback.done(null);
          }

          @Override
          public CompletableFuture<Void> deadLetter(DeadLetter letter) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public boolean hasCapacity() {
            return true;
          }

          @Override
          public boolean awaitCapacity(Duration timeout) {
            return true;
          }

          @Override
          public void onCapacity(Runnable action) {
            action.run();
          }
        };
    try (FakeUaa uaa = new FakeUaa(Clock.systemUTC())) {
      FakeRlpGateway gateway = api.equals("v2") ? new FakeRlpGateway(uaa, Clock.systemUTC()) : null;
      FakeTrafficController tc = api.equals("v1") ? new FakeTrafficController(uaa) : null;
      String url = gateway != null ? gateway.url().toString() : tc.url().toString();
      String yaml =
          "nozzle: {api: "
              + api
              + ", url: '"
              + url
              + "', uaa: {url: '"
              + uaa.url()
              + "', client_id: "
              + FakeUaa.CLIENT
              + ", client_secret: "
              + FakeUaa.SECRET
              + "}}";
      ConfigNode root = ConfigNode.root(ConfigFiles.parse(yaml, "bench"), Map.of(), "bench");
      NozzleSettings s = NozzleSettings.from(root.section("nozzle"));
      root.finish();
      Nozzle n =
          new Nozzle(
              s,
              "dc1",
              sink,
              (k, v, t, cb) -> {
                bytes.addAndGet(v.length);
                records.incrementAndGet();
                cb.done(null);
              },
              (k, v, t, cb) -> cb.done(null),
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              null);
      n.start();
      while ((gateway != null ? gateway.subscribers() : tc.subscribers()) == 0) {
        Thread.sleep(20);
      }
      List<byte[]> messages =
          gateway != null
              ? NozzleIngestBench.v2Events(lines, 100)
              : NozzleIngestBench.v1Messages(lines);
      if (gateway != null) {
        gateway.pump(messages, Long.MAX_VALUE);
      } else {
        tc.pump(messages, Long.MAX_VALUE);
      }
      long cpu0 = BenchSupport.cpuTicks(ProcessHandle.current().pid());
      for (int i = 0; i < seconds; i++) {
        long r0 = records.get();
        long t0 = System.nanoTime();
        Thread.sleep(1000);
        System.out.printf(
            "%s: %,.0f records/s, queue %d, dropped %d%n",
            api, (records.get() - r0) / ((System.nanoTime() - t0) / 1e9), n.queued(), n.dropped());
      }
      long cpu1 = BenchSupport.cpuTicks(ProcessHandle.current().pid());
      System.out.printf(
          "CPU %.0f%% of one core (fake included), %d bytes of JSON per record%n",
          100.0 * (cpu1 - cpu0) / BenchSupport.clockTicks() / seconds,
          bytes.get() / Math.max(1, records.get()));
      if (gateway != null) {
        gateway.stopPumps();
      } else {
        tc.stopPumps();
      }
      n.close(Duration.ofSeconds(1));
      if (gateway != null) {
        gateway.close();
      } else {
        tc.close();
      }
    }
  }
}
