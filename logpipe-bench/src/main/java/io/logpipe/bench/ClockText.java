package io.logpipe.bench;

/**
 * Writes one instant in the many timestamp styles that log lines carry (RFC 3339, logback, Apache
 * common log, Go's log package, epoch numbers). The calendar fields are cached per second, because
 * consecutive lines almost always fall in the same second. Not thread-safe.
 */
final class ClockText {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private long epochNanos;
  private long cachedSecond = Long.MIN_VALUE;
  private int year;
  private int month;
  private int day;
  private int hour;
  private int minute;
  private int second;

  /** Sets the instant, in nanoseconds since the epoch, that the append methods write. */
  void set(long epochNanos) {
    this.epochNanos = epochNanos;
    long epochSecond = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
    if (epochSecond == cachedSecond) {
      return;
    }
    cachedSecond = epochSecond;
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    hour = secondOfDay / 3600;
    minute = secondOfDay / 60 % 60;
    second = secondOfDay % 60;
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    day = (int) (doy - (153 * mp + 2) / 5 + 1);
    month = (int) (mp < 10 ? mp + 3 : mp - 9);
    year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
  }

  long epochNanos() {
    return epochNanos;
  }

  /** {@code 2026-03-01T10:15:30.123Z} with 0 to 9 fraction digits. */
  StringBuilder appendIso(StringBuilder b, int fractionDigits) {
    appendDate(b, '-').append('T');
    appendTime(b);
    return appendFraction(b, '.', fractionDigits).append('Z');
  }

  /** {@code 2026-03-01T10:15:30.123456} without a zone, as Ruby's Logger writes it. */
  StringBuilder appendIsoLocal(StringBuilder b, int fractionDigits) {
    appendDate(b, '-').append('T');
    appendTime(b);
    return appendFraction(b, '.', fractionDigits);
  }

  /** {@code 2026-03-01 10:15:30.123} (logback) or with a comma (Python logging). */
  StringBuilder appendLocal(StringBuilder b, char fractionSeparator, int fractionDigits) {
    appendDate(b, '-').append(' ');
    appendTime(b);
    return appendFraction(b, fractionSeparator, fractionDigits);
  }

  /** {@code 2026/03/01 10:15:30} as Go's log package writes it. */
  StringBuilder appendSlashed(StringBuilder b) {
    appendDate(b, '/').append(' ');
    return appendTime(b);
  }

  /** {@code 01/Mar/2026:10:15:30 +0000} as in Apache and nginx access logs. */
  StringBuilder appendCommonLog(StringBuilder b) {
    Dice.appendPadded(b, day, 2).append('/').append(MONTHS[month - 1]).append('/').append(year);
    b.append(':');
    return appendTime(b).append(" +0000");
  }

  /** {@code Mar 1 10:15:30} as in monit and BSD syslog. */
  StringBuilder appendBsd(StringBuilder b) {
    b.append(MONTHS[month - 1]).append(' ');
    if (day < 10) {
      b.append(' ');
    }
    b.append(day).append(' ');
    return appendTime(b);
  }

  /** Milliseconds since the epoch, as JavaScript's {@code Date.now()}. */
  StringBuilder appendEpochMillis(StringBuilder b) {
    return b.append(Math.floorDiv(epochNanos, 1_000_000L));
  }

  /** Seconds since the epoch with a fraction, as zap and Ruby write them. */
  StringBuilder appendEpochSeconds(StringBuilder b, int fractionDigits) {
    b.append(Math.floorDiv(epochNanos, NANOS_PER_SECOND));
    return appendFraction(b, '.', fractionDigits);
  }

  private StringBuilder appendDate(StringBuilder b, char separator) {
    b.append(year).append(separator);
    Dice.appendPadded(b, month, 2).append(separator);
    return Dice.appendPadded(b, day, 2);
  }

  private StringBuilder appendTime(StringBuilder b) {
    Dice.appendPadded(b, hour, 2).append(':');
    Dice.appendPadded(b, minute, 2).append(':');
    return Dice.appendPadded(b, second, 2);
  }

  private StringBuilder appendFraction(StringBuilder b, char separator, int digits) {
    if (digits == 0) {
      return b;
    }
    long nanos = Math.floorMod(epochNanos, NANOS_PER_SECOND);
    long scaled = nanos;
    for (int i = digits; i < 9; i++) {
      scaled /= 10;
    }
    return Dice.appendPadded(b.append(separator), scaled, digits);
  }
}
