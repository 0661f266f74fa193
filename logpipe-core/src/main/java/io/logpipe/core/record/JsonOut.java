package io.logpipe.core.record;

import java.util.Arrays;

/**
 * A growable byte buffer that writes JSON text the way the canonical codec needs it: ASCII
 * constants as they are, string values UTF-8 encoded and escaped. Escaping matches Jackson's (short
 * escapes for {@code \b \t \n \f \r}, {@code \\u00XX} with upper-case hex for other control
 * characters, {@code \"} and {@code \\}, everything else as UTF-8), so records read back with any
 * JSON parser. A lone surrogate, which has no UTF-8 form, becomes U+FFFD (input decoded from UTF-8
 * never has one; only a JSON client's {@code \\uD800} escape can bring one in). Not thread-safe;
 * one per thread, reused.
 */
final class JsonOut {
  private static final byte[] HEX =
      "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private byte[] buf;
  private int len;

  JsonOut(int capacity) {
    buf = new byte[capacity];
  }

  void reset() {
    len = 0;
  }

  int size() {
    return len;
  }

  int capacity() {
    return buf.length;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  /** Appends bytes that are already valid JSON text (field names, punctuation). */
  void raw(byte[] ascii) {
    ensure(ascii.length);
    System.arraycopy(ascii, 0, buf, len, ascii.length);
    len += ascii.length;
  }

  void raw(char c) {
    ensure(1);
    buf[len++] = (byte) c;
  }

  /** Appends {@code t} as {@link java.time.Instant#toString()} writes it (no quotes). */
  void timestamp(java.time.Instant t) {
    ensure(Timestamps.MAX_LENGTH);
    int p = Timestamps.write(buf, len, t);
    if (p < 0) {
      ascii(t.toString());
    } else {
      len = p;
    }
  }

  /** Appends ASCII text that needs no escaping (timestamps, enum names). */
  void ascii(CharSequence s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  /** Appends {@code s} escaped, without the surrounding quotes. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): see below
  void escaped(String s) {
    int n = s.length();
    // Worst case per char: a six-byte escape.
    ensure(n * 6);
    byte[] b = buf;
    int p = len;
    int i = 0;
    while (i < n) {
      // Runs of printable ASCII, most of any log line, are copied in one go: the deprecated
      // getBytes copies the low byte of each char, which for these chars is their UTF-8 byte.
      int run = i;
      char c = 0;
      while (i < n && (c = s.charAt(i)) >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        i++;
      }
      if (i > run) {
        s.getBytes(run, i, b, p);
        p += i - run;
      }
      if (i == n) {
        break;
      }
      if (c < 0x80) {
        p = c == 0x7f ? put(b, p, c) : escape(b, p, c);
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // U+FFFD: some parsers (Jackson in field names) refuse an escaped lone surrogate.
        b[p++] = (byte) 0xEF;
        b[p++] = (byte) 0xBF;
        b[p++] = (byte) 0xBD;
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
      i++;
    }
    len = p;
  }

  private static int put(byte[] b, int p, char c) {
    b[p] = (byte) c;
    return p + 1;
  }

  private static int escape(byte[] b, int p, char c) {
    b[p++] = '\\';
    switch (c) {
      case '"':
        b[p++] = '"';
        return p;
      case '\\':
        b[p++] = '\\';
        return p;
      case '\b':
        b[p++] = 'b';
        return p;
      case '\t':
        b[p++] = 't';
        return p;
      case '\n':
        b[p++] = 'n';
        return p;
      case '\f':
        b[p++] = 'f';
        return p;
      case '\r':
        b[p++] = 'r';
        return p;
      default:
        return unicodeEscape(b, p - 1, c);
    }
  }

  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX[(c >> 12) & 0xF];
    b[p++] = HEX[(c >> 8) & 0xF];
    b[p++] = HEX[(c >> 4) & 0xF];
    b[p++] = HEX[c & 0xF];
    return p;
  }
}
