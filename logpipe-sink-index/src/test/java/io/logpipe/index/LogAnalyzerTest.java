package io.logpipe.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;

class LogAnalyzerTest {
  private final LogAnalyzer analyzer = new LogAnalyzer(32_768);

  /** Tokens as "term@position". */
  private List<String> tokens(String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("message", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      int pos = -1;
      while (ts.incrementToken()) {
        pos += inc.getPositionIncrement();
        out.add(term + "@" + pos);
      }
      ts.end();
    }
    return out;
  }

  @Test
  void keepsIdentifiersWholeAndIndexesTheirParts() throws IOException {
    assertThat(tokens("Caused by: java.lang.NullPointerException: null"))
        .containsExactly(
            "caused@0",
            "by@1",
            "java.lang.nullpointerexception@2",
            "java@2",
            "lang@3",
            "nullpointerexception@4",
            "null@5");
  }

  @Test
  void ipAddressesUuidsAndHostnamesAreOneTermEach() throws IOException {
    assertThat(
            tokens("from 10.0.0.7:8080 req=6f3c5c2e-8d4b-4c1a-9a51-0b5e6f7d8e90 on diego-cell-17."))
        .contains(
            "10.0.0.7@1",
            "8080@5",
            "req@6",
            "6f3c5c2e-8d4b-4c1a-9a51-0b5e6f7d8e90@7",
            "diego-cell-17@13");
  }

  @Test
  void splitsOnPunctuationAndControlCharacters() throws IOException {
    assertThat(tokens("GET /api/v1/users?id=42 \"ok\"\u001b[31mRED"))
        .containsExactly("get@0", "api@1", "v1@2", "users@3", "id@4", "42@5", "ok@6", "31mred@7");
  }

  @Test
  void trimsJoinersAtTheEnds() throws IOException {
    assertThat(tokens("...done. --verbose _x_")).containsExactly("done@0", "verbose@1", "x@2");
  }

  @Test
  void indexesOnlyTheFirstMaxChars() throws IOException {
    LogAnalyzer small = new LogAnalyzer(256);
    List<String> out = new ArrayList<>();
    try (TokenStream ts = small.tokenStream("message", "a ".repeat(200) + "tail")) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    }
    assertThat(out).hasSize(128).doesNotContain("tail");
  }
}
