package io.logpipe.index;

import org.apache.lucene.analysis.Analyzer;

/**
 * The analyzer of the message field ({@link LogTokenizer}). Thread-safe; Lucene reuses one
 * tokenizer per thread.
 */
public final class LogAnalyzer extends Analyzer {
  private final int maxChars;

  /**
   * @param maxChars how much of a message is indexed
   */
  public LogAnalyzer(int maxChars) {
    this.maxChars = maxChars;
  }

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    return new TokenStreamComponents(new LogTokenizer(maxChars));
  }
}
