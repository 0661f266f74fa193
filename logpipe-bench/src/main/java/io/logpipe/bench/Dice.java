package io.logpipe.bench;

import java.util.SplittableRandom;

/**
 * The only source of randomness of a {@link LoadGenerator}, with helpers that append the variable
 * parts of log lines (ids, addresses, numbers) straight into a {@link StringBuilder}, because
 * {@code String.format} would be the bottleneck at a million lines a second. Not thread-safe.
 */
final class Dice {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
  private static final long[] POWERS_OF_TEN = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };

  private final SplittableRandom random;

  Dice(long seed) {
    random = new SplittableRandom(seed);
  }

  /** A number in {@code [0, bound)}. */
  int below(int bound) {
    return random.nextInt(bound);
  }

  long nextLong() {
    return random.nextLong();
  }

  /** A number in {@code [0, 1)}. */
  double unit() {
    return random.nextDouble();
  }

  /** True {@code percent} times in a hundred. */
  boolean percent(int percent) {
    return random.nextInt(100) < percent;
  }

  /**
   * An entity id in {@code [1, max]}: half of the time one of the most popular thousandth (hot
   * products, busy customers), else any.
   */
  int entityId(int max) {
    return 1 + random.nextInt(random.nextBoolean() ? Math.max(1, max / 1000) : max);
  }

  <T> T pick(T[] items) {
    return items[random.nextInt(items.length)];
  }

  /**
   * An exponentially distributed value with the given mean: inter-arrival times and latencies.
   * StrictMath, so that the same seed gives the same bytes on every JVM.
   */
  double exponential(double mean) {
    return -mean * StrictMath.log(1.0 - random.nextDouble());
  }

  /** A latency-like number of microseconds: mostly near {@code typical}, with a long tail. */
  long latencyMicros(long typical) {
    long micros = (long) exponential(typical);
    if (random.nextInt(50) == 0) {
      micros *= 20;
    }
    return micros + typical / 10 + 1;
  }

  /** Appends {@code digits} random lowercase hex digits. */
  void appendHex(StringBuilder b, int digits) {
    while (digits > 0) {
      int n = Math.min(digits, 16);
      appendHex(b, random.nextLong(), n);
      digits -= n;
    }
  }

  /** Appends a random version 4 UUID. */
  void appendUuid(StringBuilder b) {
    appendUuid(b, random.nextLong(), random.nextLong());
  }

  /** A random version 4 UUID. */
  String uuid() {
    StringBuilder b = new StringBuilder(36);
    appendUuid(b);
    return b.toString();
  }

  /** Appends random letters and digits, as in base64 fingerprints. */
  void appendBase64(StringBuilder b, int chars) {
    for (int i = 0; i < chars; i++) {
      b.append(BASE64[random.nextInt(64)]);
    }
  }

  /** Appends a UUID made of the two longs, with the version 4 and variant bits set. */
  static void appendUuid(StringBuilder b, long hi, long lo) {
    hi = (hi & ~0xF000L) | 0x4000L;
    lo = (lo & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    appendHex(b, hi >>> 32, 8);
    b.append('-');
    appendHex(b, hi >>> 16, 4);
    b.append('-');
    appendHex(b, hi, 4);
    b.append('-');
    appendHex(b, lo >>> 48, 4);
    b.append('-');
    appendHex(b, lo, 12);
  }

  /** Appends the lowest {@code digits} hex digits of {@code v}, most significant first. */
  static void appendHex(StringBuilder b, long v, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      b.append(HEX[(int) (v >>> shift) & 0xF]);
    }
  }

  /** Appends {@code v} (not negative) padded with zeros to {@code width} digits. */
  static StringBuilder appendPadded(StringBuilder b, long v, int width) {
    for (int w = width - 1; w > 0 && v < POWERS_OF_TEN[w]; w--) {
      b.append('0');
    }
    return b.append(v);
  }

  /**
   * Appends {@code scaled / 10^fractionDigits} as a decimal number: {@code (12345, 3)} gives {@code
   * 12.345}.
   */
  static StringBuilder appendDecimal(StringBuilder b, long scaled, int fractionDigits) {
    long unit = POWERS_OF_TEN[fractionDigits];
    b.append(scaled / unit).append('.');
    return appendPadded(b, scaled % unit, fractionDigits);
  }

  /** Appends an IPv4 address held in the low 32 bits of {@code ip}. */
  static void appendIpv4(StringBuilder b, int ip) {
    b.append((ip >>> 24) & 0xFF)
        .append('.')
        .append((ip >>> 16) & 0xFF)
        .append('.')
        .append((ip >>> 8) & 0xFF)
        .append('.')
        .append(ip & 0xFF);
  }

  /**
   * A well-mixed 64-bit value of {@code z} (the SplitMix64 finaliser): stable per-entity values
   * such as a process id that must not consume draws from the record sequence.
   */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
