package io.logpipe.core.record;

import java.util.Locale;

/** Syslog severity (RFC 5424 section 6.2.1); lower codes are more severe. */
public enum Severity {
  EMERG(0, "emerg"),
  ALERT(1, "alert"),
  CRIT(2, "crit"),
  ERR(3, "err"),
  WARNING(4, "warning"),
  NOTICE(5, "notice"),
  INFO(6, "info"),
  DEBUG(7, "debug");

  private static final Severity[] BY_CODE = values();

  private final int code;
  private final String json;

  Severity(int code, String json) {
    this.code = code;
    this.json = json;
  }

  /** The numeric code, 0 (emerg) to 7 (debug). */
  public int code() {
    return code;
  }

  /** The name used in JSON, as in rsyslog's {@code syslogseverity-text}. */
  public String json() {
    return json;
  }

  /** The severity for a code 0..7, or null. */
  public static Severity ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * The severity for a name or a number. Accepts the syslog names and the level names that
   * application loggers use ({@code error}, {@code warn}, {@code fatal}, {@code trace}); null if
   * the name is not one of them.
   */
  public static Severity parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.length() == 1 && n.charAt(0) >= '0' && n.charAt(0) <= '7') {
      return BY_CODE[n.charAt(0) - '0'];
    }
    switch (n) {
      case "emerg":
      case "emergency":
      case "panic":
        return EMERG;
      case "alert":
        return ALERT;
      case "crit":
      case "critical":
      case "fatal":
        return CRIT;
      case "err":
      case "error":
        return ERR;
      case "warning":
      case "warn":
        return WARNING;
      case "notice":
        return NOTICE;
      case "info":
      case "informational":
        return INFO;
      case "debug":
      case "trace":
        return DEBUG;
      default:
        return null;
    }
  }
}
