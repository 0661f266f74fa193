package io.logpipe.core.record;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * RFC 3339 timestamps as the record schema writes them: UTC, {@code Z}, with 0, 3, 6 or 9 fraction
 * digits (the same text as {@link Instant#toString()}). Hand-written because it runs once or twice
 * per record on the hot path.
 */
public final class Timestamps {
  private static final long SECONDS_PER_DAY = 86_400L;
  // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: outside these, Instant.toString is used.
  private static final long MIN_FAST = -62_167_219_200L;
  private static final long MAX_FAST = 253_402_300_799L;

  private Timestamps() {}

  /** Appends {@code t} in RFC 3339 UTC form, exactly as {@link Instant#toString()} would. */
  public static void append(StringBuilder b, Instant t) {
    byte[] tmp = new byte[MAX_LENGTH];
    int n = write(tmp, 0, t);
    if (n < 0) {
      b.append(t);
      return;
    }
    for (int i = 0; i < n; i++) {
      b.append((char) tmp[i]);
    }
  }

  /** The most bytes {@link #write} writes. */
  public static final int MAX_LENGTH = 30;

  /**
   * Writes {@code t} in RFC 3339 UTC form, exactly as {@link Instant#toString()} would, as ASCII
   * bytes at {@code b[p]} (room for {@link #MAX_LENGTH} needed), allocating nothing: every record
   * encoded writes two.
   *
   * @return the position after the last byte written, or -1 (nothing written) for years outside
   *     0000 to 9999, which {@link Instant#toString()} writes in another form
   */
  public static int write(byte[] b, int p, Instant t) {
    long epochSecond = t.getEpochSecond();
    if (epochSecond < MIN_FAST || epochSecond > MAX_FAST) {
      return -1;
    }
    long days = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
    int secOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    p = pad(b, p, (int) year, 4);
    b[p++] = '-';
    p = pad(b, p, month, 2);
    b[p++] = '-';
    p = pad(b, p, day, 2);
    b[p++] = 'T';
    p = pad(b, p, secOfDay / 3600, 2);
    b[p++] = ':';
    p = pad(b, p, secOfDay / 60 % 60, 2);
    b[p++] = ':';
    p = pad(b, p, secOfDay % 60, 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      b[p++] = '.';
      if (nanos % 1_000_000 == 0) {
        p = pad(b, p, nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        p = pad(b, p, nanos / 1000, 6);
      } else {
        p = pad(b, p, nanos, 9);
      }
    }
    b[p++] = 'Z';
    return p;
  }

  /** {@code t} in RFC 3339 UTC form. */
  public static String format(Instant t) {
    StringBuilder b = new StringBuilder(30);
    append(b, t);
    return b.toString();
  }

  /**
   * Writes {@code value} (0 or more) as exactly {@code width} digits; returns the next position.
   */
  private static int pad(byte[] b, int p, int value, int width) {
    for (int i = p + width - 1; i >= p; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return p + width;
  }

  /**
   * Parses an RFC 3339 timestamp with {@code Z} or a numeric offset and 0 to 9 fraction digits.
   *
   * @throws DateTimeException if {@code s} is not one
   */
  public static Instant parse(CharSequence s) {
    Instant fast = parseFast(s);
    if (fast != null) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new DateTimeException("not an RFC 3339 timestamp: '" + s + "'", e);
    }
  }

  /** The common {@code YYYY-MM-DDTHH:MM:SS[.f]Z} shape, or null for anything else. */
  private static Instant parseFast(CharSequence s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-') {
      return null;
    }
    char t = s.charAt(10);
    if ((t != 'T' && t != 't') || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > daysIn(year, month)) {
      return null;
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int nanos = 0;
    int i = 19;
    if (i < n - 1) {
      if (s.charAt(i) != '.') {
        return null;
      }
      int fractionDigits = n - 1 - (i + 1);
      if (fractionDigits < 1 || fractionDigits > 9) {
        return null;
      }
      int f = digits(s, i + 1, fractionDigits);
      if (f < 0) {
        return null;
      }
      for (int k = fractionDigits; k < 9; k++) {
        f *= 10;
      }
      nanos = f;
    }
    long days = daysFromCivil(year, month, day);
    return Instant.ofEpochSecond(
        days * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
  }

  private static int digits(CharSequence s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Days in a month of the proleptic Gregorian calendar. */
  public static int daysIn(int year, int month) {
    switch (month) {
      case 2:
        return isLeap(year) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  static boolean isLeap(long year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  /** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
  public static long daysFromCivil(long year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
