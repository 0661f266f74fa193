package io.logpipe.index.query;

import io.logpipe.index.IndexFields;
import io.logpipe.index.Words;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Turns a {@link QueryNode} into a Lucene query over {@link IndexFields}. A message word with dots,
 * dashes or underscores ({@code 10.0.0.7}) is one exact term (the index holds whole chunks);
 * several chunks or quoted text become a phrase over parts. Stateless.
 */
public final class LuceneQueries {
  private LuceneQueries() {}

  public static Query of(QueryNode n) {
    if (n instanceof QueryNode.All) {
      return new MatchAllDocsQuery();
    }
    if (n instanceof QueryNode.Term t) {
      return t.field().equals(IndexFields.MESSAGE)
          ? messageTerm(t.text())
          : new TermQuery(new Term(t.field(), t.text()));
    }
    if (n instanceof QueryNode.Phrase p) {
      return phrase(MessageTerms.parts(p.text()));
    }
    if (n instanceof QueryNode.Prefix p) {
      if (!p.field().equals(IndexFields.MESSAGE)) {
        return new PrefixQuery(new Term(p.field(), p.text()));
      }
      List<MessageTerms.Chunk> chunks = MessageTerms.chunks(p.text());
      if (chunks.size() == 1) {
        return new PrefixQuery(new Term(IndexFields.MESSAGE, chunks.get(0).whole()));
      }
      return new MatchNoDocsQuery("a prefix of several words matches no single word");
    }
    if (n instanceof QueryNode.Not not) {
      return new BooleanQuery.Builder()
          .add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER)
          .add(of(not.clause()), BooleanClause.Occur.MUST_NOT)
          .build();
    }
    if (n instanceof QueryNode.And and) {
      BooleanQuery.Builder b = new BooleanQuery.Builder();
      boolean positive = false;
      for (QueryNode c : and.clauses()) {
        if (c instanceof QueryNode.Not not) {
          b.add(of(not.clause()), BooleanClause.Occur.MUST_NOT);
        } else {
          b.add(of(c), BooleanClause.Occur.FILTER);
          positive = true;
        }
      }
      if (!positive) {
        b.add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER);
      }
      return b.build();
    }
    if (n instanceof QueryNode.Or or) {
      BooleanQuery.Builder b = new BooleanQuery.Builder();
      for (QueryNode c : or.clauses()) {
        b.add(of(c), BooleanClause.Occur.SHOULD);
      }
      return b.setMinimumNumberShouldMatch(1).build();
    }
    throw new IllegalArgumentException("unknown query node " + n);
  }

  /** Query text that stands for itself in the message: see the class comment. */
  static Query messageTerm(String text) {
    List<MessageTerms.Chunk> chunks = MessageTerms.chunks(text);
    if (chunks.size() == 1) {
      MessageTerms.Chunk c = chunks.get(0);
      if (c.parts().size() == 1 || c.whole().length() < Words.MAX_WORD) {
        return new TermQuery(new Term(IndexFields.MESSAGE, c.whole()));
      }
    }
    return phrase(MessageTerms.parts(text));
  }

  private static Query phrase(List<String> parts) {
    if (parts.isEmpty()) {
      return new MatchNoDocsQuery("no words");
    }
    if (parts.size() == 1) {
      return new TermQuery(new Term(IndexFields.MESSAGE, parts.get(0)));
    }
    PhraseQuery.Builder b = new PhraseQuery.Builder();
    for (int i = 0; i < parts.size(); i++) {
      b.add(new Term(IndexFields.MESSAGE, parts.get(i)), i);
    }
    return b.build();
  }
}
