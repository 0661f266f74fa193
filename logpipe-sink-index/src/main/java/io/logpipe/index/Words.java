package io.logpipe.index;

/**
 * How log text is cut into searchable words, shared by the index ({@link LogTokenizer}), the query
 * parser and the live-tail matcher so that all three agree.
 *
 * <p>A <b>chunk</b> is a run of letters, digits and the joiners {@code . - _}, with joiners at
 * either end trimmed: {@code java.lang.NullPointerException}, {@code 10.0.0.7}, a UUID, {@code
 * diego-cell-17}, {@code user_id}. Everything else (spaces, quotes, brackets, {@code : / = , ; @}
 * and the rest of punctuation, control characters) separates chunks. The <b>parts</b> of a chunk
 * are its pieces between joiners ({@code java}, {@code lang}, {@code NullPointerException}). Both
 * are lower-cased. The index holds every part, in order, and the whole chunk as well when it has
 * more than one part, so an IP address or an exception's full class name is one exact term while
 * each of its parts is findable alone.
 *
 * <p>Stateless and thread-safe.
 */
public final class Words {
  /** Chunks longer than this are indexed by their parts only. */
  public static final int MAX_WORD = 255;

  private Words() {}

  /** True for characters that belong to a chunk. */
  static boolean isWordChar(char c) {
    if (c < 0x80) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '-'
          || c == '_';
    }
    return Character.isLetterOrDigit(c);
  }

  /** True for the joiners that split a chunk into parts. */
  static boolean isJoiner(char c) {
    return c == '.' || c == '-' || c == '_';
  }

  static char lower(char c) {
    if (c < 0x80) {
      return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return Character.toLowerCase(c);
  }

  /** Receives the chunks and parts of a text, in order. */
  public interface Sink {
    /**
     * One chunk. {@code parts} is its part count; the parts follow through {@link #part}.
     *
     * @param text the buffer (not lower-cased)
     * @param start first char of the chunk
     * @param end one past its last char
     */
    void chunk(char[] text, int start, int end, int parts);

    /** One part of the current chunk (not lower-cased). */
    void part(char[] text, int start, int end);
  }

  /** Cuts {@code text[0, length)} into chunks and parts. */
  public static void scan(char[] text, int length, Sink sink) {
    int i = 0;
    while (i < length) {
      while (i < length && (!isWordChar(text[i]) || isJoiner(text[i]))) {
        i++;
      }
      if (i >= length) {
        return;
      }
      int start = i;
      while (i < length && isWordChar(text[i])) {
        i++;
      }
      int end = i;
      while (end > start && isJoiner(text[end - 1])) {
        end--;
      }
      int parts = 0;
      boolean inPart = false;
      for (int k = start; k < end; k++) {
        boolean j = isJoiner(text[k]);
        if (!j && !inPart) {
          parts++;
        }
        inPart = !j;
      }
      sink.chunk(text, start, end, parts);
      int k = start;
      while (k < end) {
        while (k < end && isJoiner(text[k])) {
          k++;
        }
        int ps = k;
        while (k < end && !isJoiner(text[k])) {
          k++;
        }
        if (k > ps) {
          sink.part(text, ps, k);
        }
      }
    }
  }

  /** Lower-cased copy of {@code text[start, end)}. */
  public static String lowered(char[] text, int start, int end) {
    char[] out = new char[end - start];
    for (int i = start; i < end; i++) {
      out[i - start] = lower(text[i]);
    }
    return new String(out);
  }
}
