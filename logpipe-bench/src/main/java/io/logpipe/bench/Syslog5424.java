package io.logpipe.bench;

import io.logpipe.core.record.Facility;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Timestamps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Writes a component record as an RFC 5424 syslog message, {@code <PRI>1 TIMESTAMP HOST APP-NAME
 * PROCID MSGID [SD] MSG}, the way BOSH's syslog forwarder sends platform logs. The record's tags
 * become one structured-data element under Cloud Foundry's enterprise number. Stateless.
 */
final class Syslog5424 {
  /** The structured-data id of the forwarder's instance metadata. */
  static final String SD_ID = "instance@47450";

  private Syslog5424() {}

  /** Appends the message, without a line terminator. */
  static StringBuilder append(StringBuilder b, LogRecord r) {
    Facility facility = r.facility() != null ? r.facility() : Facility.USER;
    Severity severity = r.severity() != null ? r.severity() : Severity.NOTICE;
    b.append('<').append(facility.code() * 8 + severity.code()).append(">1 ");
    // RFC 5424 allows at most six fraction digits.
    Instant time = r.time().truncatedTo(ChronoUnit.MICROS);
    Timestamps.append(b, time);
    b.append(' ').append(orNil(r.host())).append(' ').append(orNil(r.program()));
    b.append(' ').append(orNil(r.pid())).append(" - ");
    if (r.tags().isEmpty()) {
      b.append('-');
    } else {
      b.append('[').append(SD_ID);
      for (Map.Entry<String, String> tag : r.tags().entrySet()) {
        b.append(' ').append(tag.getKey()).append("=\"");
        appendParamValue(b, tag.getValue());
        b.append('"');
      }
      b.append(']');
    }
    return b.append(' ').append(r.message());
  }

  private static String orNil(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }

  /** RFC 5424 section 6.3.3: '"', '\' and ']' are escaped with a backslash. */
  private static void appendParamValue(StringBuilder b, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == ']') {
        b.append('\\');
      }
      b.append(c);
    }
  }
}
