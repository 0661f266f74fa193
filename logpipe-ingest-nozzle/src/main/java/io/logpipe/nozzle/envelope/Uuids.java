package io.logpipe.nozzle.envelope;

/**
 * Dropsonde's UUID: the 16 bytes of a UUID split in two halves, each read as a little-endian
 * unsigned 64-bit number ({@code low} the first eight bytes, {@code high} the last eight).
 */
public final class Uuids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Uuids() {}

  /** The canonical text form ({@code 8-4-4-4-12} lower-case hex) of a dropsonde UUID. */
  public static String toString(long low, long high) {
    char[] out = new char[36];
    int p = 0;
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        out[p++] = '-';
      }
      long half = i < 8 ? low : high;
      int b = (int) (half >>> (8 * (i % 8))) & 0xff;
      out[p++] = HEX[b >>> 4];
      out[p++] = HEX[b & 0xf];
    }
    return new String(out);
  }

  /**
   * The halves of a UUID in text form, {@code [low, high]}.
   *
   * @throws IllegalArgumentException if {@code uuid} is not 32 hex digits in the 8-4-4-4-12 form
   */
  public static long[] fromString(String uuid) {
    if (uuid.length() != 36) {
      throw new IllegalArgumentException("not a UUID: " + uuid);
    }
    long[] halves = new long[2];
    int i = 0;
    for (int p = 0; p < 36; p++) {
      char c = uuid.charAt(p);
      if (p == 8 || p == 13 || p == 18 || p == 23) {
        if (c != '-') {
          throw new IllegalArgumentException("not a UUID: " + uuid);
        }
        continue;
      }
      int hi = Character.digit(c, 16);
      int lo = Character.digit(uuid.charAt(++p), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not a UUID: " + uuid);
      }
      halves[i / 8] |= (long) (hi << 4 | lo) << (8 * (i % 8));
      i++;
    }
    return halves;
  }
}
