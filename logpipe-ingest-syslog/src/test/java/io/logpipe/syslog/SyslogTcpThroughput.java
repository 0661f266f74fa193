package io.logpipe.syslog;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A sanity check, not a benchmark (that is {@code logpipe-bench}'s job): one TCP connection sends
 * octet-counted RFC 5424 lines of about 200 bytes as fast as it can, through a listener into an
 * embedded broker in the same JVM; prints messages per second from the first byte to the last
 * acknowledgement. Run by hand: {@code java -cp <test classpath>
 * io.logpipe.syslog.SyslogTcpThroughput [messages]}.
 */
public final class SyslogTcpThroughput {
  private SyslogTcpThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    Path dir = Files.createTempDirectory("syslog-throughput");
    try (KafkaTestBed bed = new KafkaTestBed(dir, "{}")) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      SyslogServer server =
          bed.server("{udp: {enabled: false}, tcp: {listen: 127.0.0.1:0}}", registry);
      InetSocketAddress at = server.addresses().tcp();
      byte[][] lines = new byte[1000][];
      for (int i = 0; i < lines.length; i++) {
        String m =
            "<134>1 2026-11-27T10:00:00.123456Z cell-"
                + (i % 40)
                + ".example.net rep 4123 - [origin ip=\"10.0.0."
                + (i % 250)
                + "\"] GET /v2/apps/"
                + i
                + "/instances 200 in 12ms vcap_request_id=5a9f0c1e-0000-4000-8000-0000000"
                + (10000 + i);
        byte[] b = m.getBytes(StandardCharsets.UTF_8);
        lines[i] = (b.length + " " + m).getBytes(StandardCharsets.UTF_8);
      }
      long bytes = 0;
      long t0 = System.nanoTime();
      try (Socket s = new Socket(at.getAddress(), at.getPort());
          OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024)) {
        for (int i = 0; i < n; i++) {
          byte[] l = lines[i % lines.length];
          out.write(l);
          bytes += l.length;
        }
      }
      long sent = System.nanoTime();
      while (registry.get("logpipe.syslog.delivered").functionCounter().count() < n) {
        TimeUnit.MILLISECONDS.sleep(10); // a hand-run tool, not a test
      }
      long done = System.nanoTime();
      double secs = (done - t0) / 1e9;
      System.out.printf(
          "%d messages (%.1f MB) over one TCP connection: written in %.2f s, acknowledged by Kafka"
              + " after %.2f s: %.0f msgs/s, %.1f MB/s; backpressure pauses %d (%.2f s)%n",
          n,
          bytes / 1e6,
          (sent - t0) / 1e9,
          secs,
          n / secs,
          bytes / 1e6 / secs,
          registry.get("logpipe.syslog.backpressure").timer().count(),
          registry.get("logpipe.syslog.backpressure").timer().totalTime(TimeUnit.SECONDS));
      server.close(java.time.Duration.ofSeconds(10));
    }
  }
}
