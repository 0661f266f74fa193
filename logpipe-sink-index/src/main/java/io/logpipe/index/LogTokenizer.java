package io.logpipe.index;

import java.io.IOException;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * The tokenizer of the message field: the chunks and parts of {@link Words}, lower-cased. For a
 * chunk with several parts the whole chunk comes first, then its parts, the first part at the same
 * position as the whole chunk, so phrases over parts match across chunk boundaries.
 *
 * <p>Reads at most {@code maxChars} characters of a message; the rest is not indexed (the stored
 * record keeps it). Not thread-safe, as every Lucene tokenizer; reused through {@link LogAnalyzer}.
 */
final class LogTokenizer extends Tokenizer {
  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
  private final PositionIncrementAttribute posInc = addAttribute(PositionIncrementAttribute.class);
  private final int maxChars;
  private char[] buf = new char[1024];
  private int length;
  private int cursor;
  // The chunk being emitted: [chunkStart, chunkEnd), parts still to come from partCursor.
  private int chunkEnd;
  private int partCursor;
  private boolean stackNext;

  LogTokenizer(int maxChars) {
    this.maxChars = maxChars;
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    length = 0;
    while (length < maxChars) {
      if (length == buf.length) {
        char[] bigger = new char[Math.min(maxChars, buf.length * 2)];
        System.arraycopy(buf, 0, bigger, 0, length);
        buf = bigger;
      }
      int n = input.read(buf, length, Math.min(buf.length, maxChars) - length);
      if (n < 0) {
        break;
      }
      length += n;
    }
    cursor = 0;
    chunkEnd = 0;
    partCursor = 0;
    stackNext = false;
  }

  @Override
  public boolean incrementToken() {
    clearAttributes();
    // Parts of the current chunk first.
    while (partCursor < chunkEnd) {
      while (partCursor < chunkEnd && Words.isJoiner(buf[partCursor])) {
        partCursor++;
      }
      int ps = partCursor;
      while (partCursor < chunkEnd && !Words.isJoiner(buf[partCursor])) {
        partCursor++;
      }
      if (partCursor > ps) {
        emit(ps, Math.min(partCursor, ps + Words.MAX_WORD), stackNext ? 0 : 1);
        stackNext = false;
        return true;
      }
    }
    // The next chunk.
    int i = cursor;
    while (i < length && (!Words.isWordChar(buf[i]) || Words.isJoiner(buf[i]))) {
      i++;
    }
    if (i >= length) {
      cursor = length;
      return false;
    }
    int start = i;
    boolean joined = false;
    while (i < length && Words.isWordChar(buf[i])) {
      joined |= Words.isJoiner(buf[i]);
      i++;
    }
    cursor = i;
    int end = i;
    while (end > start && Words.isJoiner(buf[end - 1])) {
      end--;
    }
    if (joined) {
      joined = false;
      for (int k = start; k < end; k++) {
        if (Words.isJoiner(buf[k])) {
          joined = true;
          break;
        }
      }
    }
    if (!joined) {
      emit(start, Math.min(end, start + Words.MAX_WORD), 1);
      return true;
    }
    chunkEnd = end;
    partCursor = start;
    if (end - start <= Words.MAX_WORD) {
      emit(start, end, 1);
      stackNext = true;
      return true;
    }
    stackNext = false;
    return incrementToken();
  }

  private void emit(int start, int end, int increment) {
    char[] t = term.resizeBuffer(end - start);
    for (int k = start; k < end; k++) {
      t[k - start] = Words.lower(buf[k]);
    }
    term.setLength(end - start);
    offset.setOffset(correctOffset(start), correctOffset(end));
    posInc.setPositionIncrement(increment);
  }

  @Override
  public void end() throws IOException {
    super.end();
    int o = correctOffset(length);
    offset.setOffset(o, o);
  }
}
