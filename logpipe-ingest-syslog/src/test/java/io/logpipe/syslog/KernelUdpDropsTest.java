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
    byte[] v6 = InetAddress.getByName("::1").getAddress();
    assertThat(KernelUdpDrops.procHex(v6, ByteOrder.LITTLE_ENDIAN))
        .isEqualTo("00000000000000000000000001000000");
  }
}
