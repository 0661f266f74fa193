package io.logpipe.nozzle.envelope;

import java.util.Arrays;

/**
 * Decodes base64 text as ProtoJSON allows it: the standard or the URL-safe alphabet, with or
 * without padding, straight from a parser's character buffer (no intermediate string).
 */
final class Base64Text {
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    String std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < std.length(); i++) {
      VALUES[std.charAt(i)] = (byte) i;
    }
    VALUES['+'] = 62;
    VALUES['/'] = 63;
    VALUES['-'] = 62;
    VALUES['_'] = 63;
  }

  private Base64Text() {}

  /**
   * The bytes that {@code chars[off, off+len)} encodes.
   *
   * @throws IllegalArgumentException naming the first character that is not base64, or a length
   *     that no base64 text has
   */
  static byte[] decode(char[] chars, int off, int len) {
    int end = off + len;
    // Up to two '=' at the end.
    int pad = 0;
    while (end > off && chars[end - 1] == '=' && pad < 2) {
      end--;
      pad++;
    }
    int n = end - off;
    if (n % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0)) {
      throw new IllegalArgumentException("base64 text of " + len + " characters is cut short");
    }
    byte[] out = new byte[n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1)];
    int o = 0;
    int i = off;
    int full = off + n / 4 * 4;
    while (i < full) {
      int v =
          value(chars, i, off) << 18
              | value(chars, i + 1, off) << 12
              | value(chars, i + 2, off) << 6
              | value(chars, i + 3, off);
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
      i += 4;
    }
    int rest = end - i;
    if (rest == 2) {
      int v = value(chars, i, off) << 18 | value(chars, i + 1, off) << 12;
      out[o] = (byte) (v >> 16);
    } else if (rest == 3) {
      int v =
          value(chars, i, off) << 18
              | value(chars, i + 1, off) << 12
              | value(chars, i + 2, off) << 6;
      out[o++] = (byte) (v >> 16);
      out[o] = (byte) (v >> 8);
    }
    return out;
  }

  private static int value(char[] chars, int i, int off) {
    char c = chars[i];
    int v = c < 128 ? VALUES[c] : -1;
    if (v < 0) {
      throw new IllegalArgumentException(
          "character " + (i - off) + " of the base64 text is not base64");
    }
    return v;
  }
}
