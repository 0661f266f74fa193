package io.logpipe.core.syslog;

/** UTF-8 well-formedness as the Unicode standard defines it (table 3-7), on raw bytes. */
final class Utf8 {
  private Utf8() {}

  /**
   * The length of the well-formed sequence that starts at {@code i}, or -1 if the bytes there are
   * not one (a stray continuation byte, an overlong form, a surrogate, a code point above U+10FFFF,
   * or a sequence cut by {@code end}).
   */
  static int sequenceLength(byte[] b, int i, int end) {
    int c = b[i] & 0xFF;
    if (c < 0x80) {
      return 1;
    }
    if (c < 0xC2) {
      return -1;
    }
    if (c < 0xE0) {
      return i + 1 < end && isContinuation(b[i + 1]) ? 2 : -1;
    }
    if (c < 0xF0) {
      if (i + 2 >= end) {
        return -1;
      }
      int c1 = b[i + 1] & 0xFF;
      int lo = c == 0xE0 ? 0xA0 : 0x80;
      int hi = c == 0xED ? 0x9F : 0xBF;
      return c1 >= lo && c1 <= hi && isContinuation(b[i + 2]) ? 3 : -1;
    }
    if (c < 0xF5) {
      if (i + 3 >= end) {
        return -1;
      }
      int c1 = b[i + 1] & 0xFF;
      int lo = c == 0xF0 ? 0x90 : 0x80;
      int hi = c == 0xF4 ? 0x8F : 0xBF;
      return c1 >= lo && c1 <= hi && isContinuation(b[i + 2]) && isContinuation(b[i + 3]) ? 4 : -1;
    }
    return -1;
  }

  /**
   * The index of the first byte in {@code [from, to)} that starts no well-formed sequence, or -1.
   */
  static int firstInvalid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      if (b[i] >= 0) {
        i++;
        continue;
      }
      int n = sequenceLength(b, i, to);
      if (n < 0) {
        return i;
      }
      i += n;
    }
    return -1;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
