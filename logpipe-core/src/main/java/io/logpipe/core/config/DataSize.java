package io.logpipe.core.config;

import java.util.Locale;

/**
 * An amount of bytes, written in configuration as a number and a unit: {@code 512B}, {@code 64KiB},
 * {@code 16MiB}, {@code 2GiB} (powers of 1024) or {@code 10KB}, {@code 5MB}, {@code 1GB} (powers of
 * 1000). A bare number is bytes.
 */
public record DataSize(long bytes) implements Comparable<DataSize> {

  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size: " + bytes);
    }
  }

  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  public static DataSize ofKibibytes(long k) {
    return new DataSize(Math.multiplyExact(k, 1024L));
  }

  public static DataSize ofMebibytes(long m) {
    return new DataSize(Math.multiplyExact(m, 1024L * 1024));
  }

  public static DataSize ofGibibytes(long g) {
    return new DataSize(Math.multiplyExact(g, 1024L * 1024 * 1024));
  }

  /** The size as an int, for APIs that take one; sizes above 2 GiB - 1 are capped. */
  public int bytesAsInt() {
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /**
   * Parses a size such as {@code 64KiB}.
   *
   * @throws IllegalArgumentException with a message that shows valid examples
   */
  public static DataSize parse(String text) {
    String s = text.trim();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException(invalid(text));
    }
    long n;
    try {
      n = Long.parseLong(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(invalid(text), e);
    }
    String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
    long factor;
    switch (unit) {
      case "":
      case "b":
        factor = 1;
        break;
      case "kib":
      case "k":
        factor = 1024L;
        break;
      case "mib":
      case "m":
        factor = 1024L * 1024;
        break;
      case "gib":
      case "g":
        factor = 1024L * 1024 * 1024;
        break;
      case "tib":
        factor = 1024L * 1024 * 1024 * 1024;
        break;
      case "kb":
        factor = 1000L;
        break;
      case "mb":
        factor = 1000L * 1000;
        break;
      case "gb":
        factor = 1000L * 1000 * 1000;
        break;
      case "tb":
        factor = 1000L * 1000 * 1000 * 1000;
        break;
      default:
        throw new IllegalArgumentException(invalid(text));
    }
    try {
      return new DataSize(Math.multiplyExact(n, factor));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("\"" + text + "\" is too large", e);
    }
  }

  private static String invalid(String text) {
    return "\"" + text + "\" is not a size (examples: 512B, 64KiB, 16MiB, 2GiB, 5MB)";
  }

  @Override
  public int compareTo(DataSize o) {
    return Long.compare(bytes, o.bytes);
  }

  /** The size in the largest binary unit that divides it, such as {@code 64KiB}. */
  @Override
  public String toString() {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    long v = bytes;
    int u = 0;
    while (u < units.length - 1 && v != 0 && v % 1024 == 0) {
      v /= 1024;
      u++;
    }
    return v + units[u];
  }
}
