package io.logpipe.index.query;

import io.logpipe.index.Words;
import java.util.ArrayList;
import java.util.List;

/**
 * The words of a message or of query text, cut as the index cuts them ({@link Words}): the
 * lower-cased chunks, each with its parts.
 */
public final class MessageTerms {
  /** One chunk: its whole text and its parts, lower-cased. */
  public record Chunk(String whole, List<String> parts) {}

  private MessageTerms() {}

  /** The chunks of {@code text}. */
  public static List<Chunk> chunks(String text) {
    return chunks(text.toCharArray(), text.length());
  }

  /** The chunks of {@code text[0, length)}. */
  public static List<Chunk> chunks(char[] text, int length) {
    List<Chunk> out = new ArrayList<>();
    Words.scan(
        text,
        length,
        new Words.Sink() {
          List<String> parts;

          @Override
          public void chunk(char[] t, int start, int end, int count) {
            parts = new ArrayList<>(count);
            out.add(
                new Chunk(Words.lowered(t, start, Math.min(end, start + Words.MAX_WORD)), parts));
          }

          @Override
          public void part(char[] t, int start, int end) {
            parts.add(Words.lowered(t, start, Math.min(end, start + Words.MAX_WORD)));
          }
        });
    return out;
  }

  /** Every part of {@code text}, in order. */
  public static List<String> parts(String text) {
    List<String> out = new ArrayList<>();
    for (Chunk c : chunks(text)) {
      out.addAll(c.parts());
    }
    return out;
  }
}
