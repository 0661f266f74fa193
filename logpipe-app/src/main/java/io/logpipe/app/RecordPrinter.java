package io.logpipe.app;

import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Timestamps;
import io.logpipe.core.text.TerminalText;

/**
 * One record as one human-readable line, in the style of {@code cf logs}: app records as {@code
 * TIME APP [SOURCE/INSTANCE] OUT message}, component records as {@code TIME HOST PROGRAM[PID]
 * SEVERITY message}. Every field that comes from a log source is escaped for the terminal ({@link
 * TerminalText}). Stateless.
 */
final class RecordPrinter {
  private RecordPrinter() {}

  static String format(LogRecord r) {
    StringBuilder b = new StringBuilder(64 + r.message().length());
    Timestamps.append(b, r.time());
    b.append(' ');
    if (r.kind() == Kind.APP) {
      b.append(safe(r.appName() != null ? r.appName() : r.appId() != null ? r.appId() : "-"));
      if (r.sourceType() != null) {
        b.append(" [").append(safe(r.sourceType()));
        if (r.instance() != null) {
          b.append('/').append(safe(r.instance()));
        }
        b.append(']');
      }
      if (r.stream() != null) {
        b.append(' ').append(r.stream().json().toUpperCase(java.util.Locale.ROOT));
      }
    } else {
      b.append(safe(r.host() != null ? r.host() : "-"));
      if (r.program() != null) {
        b.append(' ').append(safe(r.program()));
        if (r.pid() != null) {
          b.append('[').append(safe(r.pid())).append(']');
        }
      }
    }
    if (r.severity() != null) {
      b.append(' ').append(r.severity().json());
    }
    b.append(' ').append(TerminalText.escape(r.message()));
    if (r.problem() != null) {
      b.append("  [parse problem: ").append(TerminalText.escape(r.problem().reason())).append(']');
    }
    return b.toString();
  }

  private static String safe(String s) {
    return TerminalText.escape(s);
  }
}
