package io.logpipe.bench;

/** Writes JSON string literals, for the JSON log formats that apps and components use. */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code s} as a quoted JSON string. */
  static StringBuilder appendString(StringBuilder b, CharSequence s) {
    b.append('"');
    appendEscaped(b, s, 0, s.length());
    return b.append('"');
  }

  /** Appends part of {@code s} escaped for the inside of a JSON string, without quotes. */
  static StringBuilder appendEscaped(StringBuilder b, CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            b.append(c);
          }
        }
      }
    }
    return b;
  }
}
