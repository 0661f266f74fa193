package io.logpipe.core.record;

import java.util.Locale;

/** Syslog facility (RFC 5424 section 6.2.1), named as rsyslog's {@code syslogfacility-text}. */
public enum Facility {
  KERN(0, "kern"),
  USER(1, "user"),
  MAIL(2, "mail"),
  DAEMON(3, "daemon"),
  AUTH(4, "auth"),
  SYSLOG(5, "syslog"),
  LPR(6, "lpr"),
  NEWS(7, "news"),
  UUCP(8, "uucp"),
  CRON(9, "cron"),
  AUTHPRIV(10, "authpriv"),
  FTP(11, "ftp"),
  NTP(12, "ntp"),
  AUDIT(13, "audit"),
  ALERT(14, "alert"),
  CLOCK(15, "clock"),
  LOCAL0(16, "local0"),
  LOCAL1(17, "local1"),
  LOCAL2(18, "local2"),
  LOCAL3(19, "local3"),
  LOCAL4(20, "local4"),
  LOCAL5(21, "local5"),
  LOCAL6(22, "local6"),
  LOCAL7(23, "local7");

  private static final Facility[] BY_CODE = values();

  private final int code;
  private final String json;

  Facility(int code, String json) {
    this.code = code;
    this.json = json;
  }

  /** The numeric code, 0 (kern) to 23 (local7). */
  public int code() {
    return code;
  }

  /** The name used in JSON. */
  public String json() {
    return json;
  }

  /** The facility for a code 0..23, or null. */
  public static Facility ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * The facility for a name (also {@code security}, {@code console}) or a number; null if unknown.
   */
  public static Facility parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (!n.isEmpty() && n.chars().allMatch(c -> c >= '0' && c <= '9') && n.length() <= 2) {
      return ofCode(Integer.parseInt(n));
    }
    switch (n) {
      case "security":
        return AUDIT;
      case "console":
        return ALERT;
      default:
        for (Facility f : BY_CODE) {
          if (f.json.equals(n)) {
            return f;
          }
        }
        return null;
    }
  }
}
