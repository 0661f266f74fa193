package io.logpipe.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class KernelUdpDropsTest {
  static final String TABLE =
      """
         sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
        1042: 0100007F:158A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 73111 2 0000000000000000 17
        1043: 00000000:158A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 73112 2 0000000000000000 5
        1044: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 73113 2 0000000000000000 99
      """;

  @Test
  void theDropsColumnOfTheListenersRowIsRead() {
    assertThat(KernelUdpDrops.drops(TABLE, "0100007F", 5514)).isEqualTo(17);
    assertThat(KernelUdpDrops.drops(TABLE, "00000000", 5514)).isEqualTo(5);
    assertThat(KernelUdpDrops.drops(TABLE, "0100007F", 9999)).isEqualTo(-1);
  }

  @Test
  void addressesAreWrittenInTheMachinesByteOrder() throws Exception {
    byte[] lo = InetAddress.getByName("127.0.0.1").getAddress();
    assertThat(KernelUdpDrops.procHex(lo, ByteOrder.LITTLE_ENDIAN)).isEqualTo("0100007F");
    assertThat(KernelUdpDrops.procHex(lo, ByteOrder.BIG_ENDIAN)).isEqualTo("7F000001");
    byte[] mapped = InetAddress.getByName("::ffff:127.0.0.1").getAddress();
    assertThat(mapped).hasSize(4); // Java folds mapped addresses back to IPv4 ...
    byte[] m16 = new byte[16];
    m16[10] = (byte) 0xff;
    m16[11] = (byte) 0xff;
    System.arraycopy(mapped, 0, m16, 12, 4);
    // ... and /proc/net/udp6 lists a dual-stack socket bound to 127.0.0.1 like this:
    assertThat(KernelUdpDrops.procHex(m16, ByteOrder.LITTLE_ENDIAN))
        .isEqualTo("0000000000000000FFFF00000100007F");
    byte[] v6 = InetAddress.getByName("::1").getAddress();
    assertThat(KernelUdpDrops.procHex(v6, ByteOrder.LITTLE_ENDIAN))
        .isEqualTo("00000000000000000000000001000000");
  }

  @Test
  void aBoundSocketOfThisJvmIsFound() throws Exception {
    try (java.net.DatagramSocket s =
        new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
      KernelUdpDrops d =
          KernelUdpDrops.forSocket((java.net.InetSocketAddress) s.getLocalSocketAddress());
      org.junit.jupiter.api.Assumptions.assumeTrue(
          java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/udp")), "not Linux");
      assertThat(d).isNotNull();
      assertThat(d.read()).isZero();
    }
  }
}
