package io.logpipe.core.syslog;

import io.logpipe.core.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rough throughput check of {@link SyslogParser} on typical lines, not a test and not a benchmark
 * (the JMH one belongs in logpipe-bench). Run after {@code mvn test-compile}:
 *
 * <pre>
 * java -cp logpipe-core/target/classes:logpipe-core/target/test-classes \
 *   io.logpipe.core.syslog.SyslogParseThroughput [threads] [seconds]
 * </pre>
 */
public final class SyslogParseThroughput {
  static final String[] LINES = {
    // Cloud Foundry drain line, ~330 bytes
    "<14>1 2026-11-26T11:59:58.123456+00:00 my-org.dev.my-app 0b7bc8a4-69d3-4b35-a9d5-b4e8a4f2d9a1"
        + " [APP/PROC/WEB/0] - [tags@47450 app_id=\"0b7bc8a4-69d3-4b35-a9d5-b4e8a4f2d9a1\""
        + " app_name=\"my-app\" instance_id=\"0\" organization_name=\"my-org\""
        + " source_type=\"APP/PROC/WEB\" space_name=\"dev\"] 2026-11-26 11:59:58.123 INFO 1 ---"
        + " [nio-8080-exec-3] c.e.demo.Controller : GET /api/orders 200 12ms\n",
    // RFC 5424 component line, ~200 bytes
    "<30>1 2026-11-26T11:59:58.123456+00:00 diego-cell-12.example.internal rep 4123 - [timeQuality"
        + " tzKnown=\"1\" isSynced=\"1\"] {\"timestamp\":\"2026-11-26T11:59:58.1Z\",\"level\":\"info\","
        + "\"source\":\"rep\",\"message\":\"rep.container-metrics\"}",
    // RFC 3164 line, ~150 bytes
    "<38>Nov 26 11:59:58 router-3 gorouter[2231]: 10.0.1.7 - [26/11/2026:11:59:58 +0000]"
        + " \"GET /health HTTP/1.1\" 200 0 2 \"-\" \"kube-probe/1.29\" x_forwarded_for:\"-\"",
  };

  public static void main(String[] args) throws InterruptedException {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    SyslogParser parser = new SyslogParser(SyslogParser.Options.defaults());
    byte[][] lines = new byte[LINES.length][];
    long bytes = 0;
    for (int k = 0; k < LINES.length; k++) {
      lines[k] = LINES[k].getBytes(StandardCharsets.UTF_8);
      bytes += lines[k].length;
    }
    System.out.printf("average line %d bytes%n", bytes / lines.length);
    for (byte[] line : lines) {
      LogRecord r = parser.parse(line, 0, line.length, Instant.now(), "192.0.2.10");
      if (r.problem() != null) {
        throw new IllegalStateException(r.toString());
      }
    }
    for (int k = 0; k < lines.length; k++) {
      nsPerParse(parser, lines[k], 2); // warm-up
    }
    for (int k = 0; k < lines.length; k++) {
      System.out.printf(
          "line %d (%d bytes) alone: %.0f ns/parse%n",
          k, lines[k].length, nsPerParse(parser, lines[k], 3));
    }
    for (int round = 0; round < 3; round++) {
      AtomicLong total = new AtomicLong();
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      Thread[] workers = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        workers[t] =
            new Thread(
                () -> {
                  long n = 0;
                  long sink = 0;
                  Instant observed = Instant.now();
                  while (System.nanoTime() < deadline) {
                    for (int i = 0; i < 1000; i++) {
                      byte[] line = lines[i % lines.length];
                      sink +=
                          parser
                              .parse(line, 0, line.length, observed, "192.0.2.10")
                              .message()
                              .length();
                    }
                    n += 1000;
                  }
                  total.addAndGet(n + (sink == 42 ? 1 : 0));
                });
        workers[t].start();
      }
      for (Thread w : workers) {
        w.join();
      }
      System.out.printf(
          "round %d, %d thread(s): %,.0f msgs/s%n", round, threads, total.get() / (double) seconds);
    }
  }

  static double nsPerParse(SyslogParser parser, byte[] line, int seconds) {
    Instant observed = Instant.now();
    long sink = 0;
    long n = 0;
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    long now;
    do {
      for (int i = 0; i < 1000; i++) {
        sink += parser.parse(line, 0, line.length, observed, "192.0.2.10").message().length();
      }
      n += 1000;
      now = System.nanoTime();
    } while (now < deadline);
    if (sink == 42) {
      System.out.print("");
    }
    return (now - start) / (double) n;
  }
}
