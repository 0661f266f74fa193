package io.logpipe.core.text;

/**
 * Log text made safe for a terminal. A log line is written by whoever runs the app: it may carry
 * ANSI escape sequences that recolour, move the cursor, set the window title or hide text, and
 * carriage returns that overwrite what came before. Shown as is, such a line can forge other lines
 * or mislead an operator.
 *
 * <p>{@link #escape} replaces every C0 control character (but tab), DEL and every C1 control
 * character with a visible escape ({@code \e}, {@code \r}, {@code \x07}, {@code \u009b}); line
 * feeds become a line feed followed by an indent, so a continuation line (a stack trace) stays
 * readable but can never look like a new record. Thread-safe; stateless.
 */
public final class TerminalText {
  /** The indent put before each continuation line. */
  public static final String CONTINUATION = "    ";

  private TerminalText() {}

  /** {@code s} with control characters made visible; returns {@code s} itself when it is clean. */
  public static String escape(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && !needsEscape(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (!needsEscape(c)) {
        b.append(c);
        continue;
      }
      switch (c) {
        case '\n':
          if (i < n - 1) {
            b.append('\n').append(CONTINUATION);
          }
          break;
        case '\r':
          b.append("\\r");
          break;
        case 0x1b:
          b.append("\\e");
          break;
        default:
          if (c < 0x100) {
            b.append("\\x")
                .append(Character.forDigit(c >> 4, 16))
                .append(Character.forDigit(c & 0xf, 16));
          } else {
            b.append(String.format("\\u%04x", (int) c));
          }
      }
    }
    return b.toString();
  }

  private static boolean needsEscape(char c) {
    return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }
}
