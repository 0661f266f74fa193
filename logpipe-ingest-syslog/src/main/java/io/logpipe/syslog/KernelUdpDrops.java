package io.logpipe.syslog;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Datagrams the kernel dropped for a UDP socket because its receive buffer was full, read from
 * Linux's {@code /proc/net/udp} and {@code udp6}: the {@code drops} column of the row whose local
 * address and port are the listener's. Where that file does not exist (not Linux) the count is not
 * available. Thread-safe; reads the file on each call (a metrics scrape).
 */
final class KernelUdpDrops {
  /** One place the socket may be listed: a table and the local address as it prints it. */
  record Row(Path table, String localAddressHex) {}

  private final List<Row> candidates;
  private final int port;
  private final AtomicLong last = new AtomicLong();

  KernelUdpDrops(List<Row> candidates, int port) {
    this.candidates = List.copyOf(candidates);
    this.port = port;
  }

  /** The counter for a bound socket, or null when the system does not expose it. */
  static KernelUdpDrops forSocket(InetSocketAddress bound) {
    Path udp = Path.of("/proc/net/udp");
    Path udp6 = Path.of("/proc/net/udp6");
    ByteOrder order = ByteOrder.nativeOrder();
    byte[] a = bound.getAddress().getAddress();
    List<Row> rows = new ArrayList<>();
    if (bound.getAddress() instanceof Inet4Address) {
      rows.add(new Row(udp, procHex(a, order)));
      // The JDK opens dual-stack IPv6 sockets where it can: 127.0.0.1 is then ::ffff:127.0.0.1,
      // and 0.0.0.0 is ::, in udp6.
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(a, 0, mapped, 12, 4);
      rows.add(
          new Row(
              udp6,
              procHex(bound.getAddress().isAnyLocalAddress() ? new byte[16] : mapped, order)));
    } else {
      rows.add(new Row(udp6, procHex(a, order)));
    }
    KernelUdpDrops d = new KernelUdpDrops(rows, bound.getPort());
    return d.read() >= 0 ? d : null;
  }

  /**
   * An address as {@code /proc/net/udp} prints it: each 32-bit word in the machine's byte order, in
   * upper-case hex.
   */
  static String procHex(byte[] address, ByteOrder order) {
    byte[] b = address.clone();
    if (order == ByteOrder.LITTLE_ENDIAN) {
      for (int w = 0; w + 3 < b.length; w += 4) {
        byte t = b[w];
        b[w] = b[w + 3];
        b[w + 3] = t;
        t = b[w + 1];
        b[w + 1] = b[w + 2];
        b[w + 2] = t;
      }
    }
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  /**
   * The drops so far, for a counter: never less than a value returned before (the row goes away
   * when the socket is closed).
   */
  double count() {
    return last.accumulateAndGet(read(), Math::max);
  }

  /** The drops now, or -1 if no table can be read or none has a row for the socket. */
  long read() {
    long sum = -1;
    for (Row r : candidates) {
      try {
        if (Files.isReadable(r.table())) {
          long d =
              drops(
                  Files.readString(r.table(), StandardCharsets.US_ASCII),
                  r.localAddressHex(),
                  port);
          if (d >= 0) {
            sum = Math.max(sum, 0) + d;
          }
        }
      } catch (IOException | RuntimeException e) {
        // not available: counted as no row
      }
    }
    return sum;
  }

  /** Parses the table's text; -1 when no row matches. */
  static long drops(String text, String localAddressHex, int port) {
    String want = localAddressHex.toUpperCase(Locale.ROOT) + ":" + String.format("%04X", port);
    long sum = -1;
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
      if (f.length < 13 || !f[1].equalsIgnoreCase(want)) {
        continue;
      }
      try {
        long d = Long.parseLong(f[f.length - 1]);
        sum = Math.max(sum, 0) + d;
      } catch (NumberFormatException e) {
        // not a data row
      }
    }
    return sum;
  }
}
