package io.logpipe.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.core.text.TerminalText;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
  @Test
  void cleanTextIsReturnedAsIs() {
    String s = "GET /cart 200 12ms\tgrüße 日本";
    assertThat(TerminalText.escape(s)).isSameAs(s);
  }

  @Test
  void escapeSequencesAndCarriageReturnsBecomeVisible() {
    assertThat(TerminalText.escape("\u001b[31mred\u001b[0m\rfake\u0007\u0000\u009b2J\u007f"))
        .isEqualTo("\\e[31mred\\e[0m\\rfake\\x07\\x00\\x9b2J\\x7f");
  }

  @Test
  void continuationLinesAreIndentedSoTheyCannotPassForRecords() {
    assertThat(TerminalText.escape("java.lang.NullPointerException\n\tat A.b(A.java:1)\n"))
        .isEqualTo("java.lang.NullPointerException\n    \tat A.b(A.java:1)");
  }
}
