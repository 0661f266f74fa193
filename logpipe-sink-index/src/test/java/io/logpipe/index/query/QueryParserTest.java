package io.logpipe.index.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.index.query.QueryNode.And;
import io.logpipe.index.query.QueryNode.Not;
import io.logpipe.index.query.QueryNode.Or;
import io.logpipe.index.query.QueryNode.Phrase;
import io.logpipe.index.query.QueryNode.Prefix;
import io.logpipe.index.query.QueryNode.Term;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParserTest {
  private static QueryNode parse(String q) {
    return QueryParser.parse("q", q);
  }

  @Test
  void wordsSideBySideMustAllMatch() {
    assertThat(parse("timeout  redis"))
        .isEqualTo(new And(List.of(new Term("message", "timeout"), new Term("message", "redis"))));
  }

  @Test
  void readsOperatorsPhrasesFieldsAndGroups() {
    assertThat(
            parse("host:router-1 AND (\"connection refused\" OR tim*) NOT level:warn -stream:err"))
        .isEqualTo(
            new And(
                List.of(
                    new Term("host", "router-1"),
                    new Or(
                        List.of(
                            new Phrase("message", "connection refused"),
                            new Prefix("message", "tim"))),
                    new Not(new Term("severity", "warning")),
                    new Not(new Term("stream", "err")))));
  }

  @Test
  void orBindsLooserThanAnd() {
    assertThat(parse("a b OR c"))
        .isEqualTo(
            new Or(
                List.of(
                    new And(List.of(new Term("message", "a"), new Term("message", "b"))),
                    new Term("message", "c"))));
  }

  @Test
  void lowerCaseOperatorsAreWords() {
    assertThat(parse("not found or gone"))
        .isEqualTo(
            new And(
                List.of(
                    new Term("message", "not"),
                    new Term("message", "found"),
                    new Term("message", "or"),
                    new Term("message", "gone"))));
  }

  @Test
  void fieldValuesKeepColonsAndQuotedValuesKeepSpaces() {
    assertThat(parse("app:\"my app\" program:a:b 10:15:30"))
        .isEqualTo(
            new And(
                List.of(
                    new Term("app", "my app"),
                    new Term("program", "a:b"),
                    new Term("message", "10:15:30"))));
  }

  @Test
  void escapedQuotesInPhrases() {
    assertThat(parse("\"say \\\"hi\\\"\"")).isEqualTo(new Phrase("message", "say \"hi\""));
  }

  private static void assertError(String q, int position, String text) {
    assertThatThrownBy(() -> parse(q))
        .isInstanceOf(QuerySyntaxException.class)
        .hasMessageContaining(text)
        .satisfies(e -> assertThat(((QuerySyntaxException) e).position()).isEqualTo(position));
  }

  @Test
  void malformedQueriesNameThePositionOfTheProblem() {
    assertError("error \"unclosed", 6, "never closed");
    assertError("(a OR b", 0, "never closed");
    assertError("a b)", 3, "no matching '('");
    assertError("a AND", 2, "needs something to search after it");
    assertError("OR a", 0, "needs something to search before it");
    assertError("a OR OR b", 2, "needs something to search after it");
    assertError("foo:bar", 0, "unknown field 'foo'");
    assertError("x level:loud", 8, "not a severity");
    assertError("app: x", 0, "needs a value after the colon");
    assertError("()", 0, "are empty");
    assertError("a*", 0, "at least 2 characters");
    assertError("::", 0, "no letters or digits");
    assertError("NOT", 0, "needs something to search after it");
  }

  @Test
  void unknownFieldErrorListsTheFields() {
    assertThatThrownBy(() -> parse("hots:x"))
        .hasMessageContaining("fields are app, org, space, host")
        .hasMessageContaining("put it in quotes");
  }

  @Test
  void emptyQueryMatchesEverything() {
    assertThat(parse("  ")).isEqualTo(new QueryNode.All());
  }
}
