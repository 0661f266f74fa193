package io.logpipe.core.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as configuration writes them: a number and a unit, {@code 250ms}, {@code 5s}, {@code
 * 2m}, {@code 1h}, {@code 7d}. ISO-8601 ({@code PT5S}) is accepted too.
 */
public final class Durations {
  private Durations() {}

  /**
   * Parses a duration such as {@code 5s}.
   *
   * @throws IllegalArgumentException with a message that shows valid examples
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
      try {
        return Duration.parse(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(invalid(text), e);
      }
    }
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0 || i == s.length()) {
      throw new IllegalArgumentException(invalid(text));
    }
    long n;
    try {
      n = Long.parseLong(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(invalid(text), e);
    }
    try {
      switch (s.substring(i).trim().toLowerCase(Locale.ROOT)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
        case "min":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        case "d":
          return Duration.ofDays(n);
        default:
          throw new IllegalArgumentException(invalid(text));
      }
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("\"" + text + "\" is too long", e);
    }
  }

  private static String invalid(String text) {
    return "\"" + text + "\" is not a duration (examples: 250ms, 5s, 2m, 1h, 7d)";
  }

  /** The duration in the largest unit that divides it, such as {@code 7d} or {@code 250ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }
}
