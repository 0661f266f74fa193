package io.logpipe.syslog;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Datagrams the kernel dropped for a UDP socket because its receive buffer was full, read from
 * Linux's {@code /proc/net/udp} (or {@code udp6}): the {@code drops} column of the row whose local
 * address and port are the listener's. Where that file does not exist (not Linux) the count is not
 * available. Thread-safe; reads the file on each call (a metrics scrape).
 */
final class KernelUdpDrops {
  private final Path table;
  private final String localAddress;
  private final int port;

  KernelUdpDrops(Path table, String localAddressHex, int port) {
    this.table = table;
    this.localAddress = localAddressHex;
    this.port = port;
  }

  /** The counter for a bound socket, or null when the system does not expose it. */
  static KernelUdpDrops forSocket(InetSocketAddress bound) {
    boolean v4 = bound.getAddress() instanceof Inet4Address;
    Path table = Path.of(v4 ? "/proc/net/udp" : "/proc/net/udp6");
    if (!Files.isReadable(table)) {
      return null;
    }
    KernelUdpDrops d =
        new KernelUdpDrops(
            table,
            procHex(bound.getAddress().getAddress(), ByteOrder.nativeOrder()),
            bound.getPort());
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

  /** The drops now, or -1 if the table cannot be read or has no row for the socket. */
  long read() {
    try {
      return drops(Files.readString(table, StandardCharsets.US_ASCII), localAddress, port);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
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
