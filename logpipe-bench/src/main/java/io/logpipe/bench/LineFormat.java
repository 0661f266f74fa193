package io.logpipe.bench;

import java.util.Locale;

/** How {@link LoadGenerator#write} frames records into lines. */
public enum LineFormat {
  /** Canonical record JSON ({@code LogRecordJson.encode}), one object per line. */
  NDJSON("ndjson"),
  /** RFC 5424 syslog lines of component records, one per line (non-transparent framing). */
  SYSLOG5424("syslog5424");

  private final String cliName;

  LineFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name used on the command line. */
  public String cliName() {
    return cliName;
  }

  /**
   * The format for a command-line name.
   *
   * @throws IllegalArgumentException naming the valid formats
   */
  public static LineFormat parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (LineFormat f : values()) {
      if (f.cliName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "\"" + name + "\" is not a line format (use ndjson or syslog5424)");
  }
}
