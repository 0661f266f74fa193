package io.logpipe.app;

import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;
import io.logpipe.core.record.Timestamps;
import io.logpipe.core.text.TerminalText;
import java.util.Locale;

/**
 * Records as lines the way {@code cf logs} prints them: {@code TIME [APP/PROC/WEB/0] OUT message}
 * (with the app's name in front when lines of several apps mix), and component records as {@code
 * TIME host program[pid] severity message}. Everything that comes from a log source is escaped for
 * the terminal ({@link TerminalText}) unless raw output was asked for; colour only when asked (on a
 * terminal). Stateless after construction.
 */
final class LogLines {
  private static final String RESET = "\u001b[0m";
  private static final String DIM = "\u001b[2m";
  private static final String CYAN = "\u001b[36m";
  private static final String RED = "\u001b[31m";
  private static final String YELLOW = "\u001b[33m";

  private final boolean color;
  private final boolean raw;
  private final boolean showApp;

  /**
   * @param color add ANSI colours (for a terminal)
   * @param raw print log text exactly as stored, control characters and escapes included
   * @param showApp put the app's name in front of app lines
   */
  LogLines(boolean color, boolean raw, boolean showApp) {
    this.color = color;
    this.raw = raw;
    this.showApp = showApp;
  }

  String format(LogRecord r) {
    StringBuilder b = new StringBuilder(64 + r.message().length());
    paint(b, DIM, Timestamps.format(r.time()));
    b.append(' ');
    boolean bad =
        r.severity() != null && r.severity().code() <= Severity.ERR.code()
            || r.stream() == Stream.ERR;
    if (r.kind() == Kind.APP) {
      if (showApp) {
        b.append(text(r.appName() != null ? r.appName() : r.appId() != null ? r.appId() : "-"))
            .append(' ');
      }
      String source =
          "["
              + text(r.sourceType() != null ? r.sourceType() : "APP")
              + (r.instance() != null ? "/" + text(r.instance()) : "")
              + "]";
      paint(b, CYAN, source);
      b.append(' ');
      String stream =
          (r.stream() == null ? Stream.OUT : r.stream()).json().toUpperCase(Locale.ROOT);
      paint(b, r.stream() == Stream.ERR ? RED : null, stream);
    } else {
      b.append(text(r.host() != null ? r.host() : "-"));
      if (r.program() != null) {
        b.append(' ');
        String program = text(r.program()) + (r.pid() != null ? "[" + text(r.pid()) + "]" : "");
        paint(b, CYAN, program);
      }
      if (r.severity() != null) {
        b.append(' ');
        paint(b, severityColour(r.severity()), r.severity().json());
      }
    }
    b.append(' ');
    paint(b, bad ? RED : null, text(r.message()));
    if (r.problem() != null) {
      b.append("  [parse problem: ").append(TerminalText.escape(r.problem().reason())).append(']');
    }
    return b.toString();
  }

  private String text(String s) {
    return raw ? s : TerminalText.escape(s);
  }

  private static String severityColour(Severity s) {
    if (s.code() <= Severity.ERR.code()) {
      return RED;
    }
    return s == Severity.WARNING ? YELLOW : null;
  }

  private void paint(StringBuilder b, String colour, String s) {
    if (color && colour != null) {
      b.append(colour).append(s).append(RESET);
    } else {
      b.append(s);
    }
  }
}
