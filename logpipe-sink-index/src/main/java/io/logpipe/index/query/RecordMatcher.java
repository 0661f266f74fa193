package io.logpipe.index.query;

import io.logpipe.core.record.LogRecord;
import io.logpipe.index.IndexFields;
import io.logpipe.index.Words;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether one record matches a {@link QueryNode}, without an index: for the live tail,
 * which reads Kafka. It gives the answers the index gives ({@link LuceneQueries}). Thread-safe;
 * per-record state lives in each call.
 */
public final class RecordMatcher {
  private final QueryNode query;
  private final int maxChars;

  /**
   * @param maxChars how much of a message is searched, as in the index
   */
  public RecordMatcher(QueryNode query, int maxChars) {
    this.query = query;
    this.maxChars = maxChars;
  }

  public boolean matches(LogRecord r) {
    return eval(query, r, new Text(r.message(), maxChars));
  }

  /** The message's words, cut once per record and only if a clause needs them. */
  private static final class Text {
    final String message;
    final int maxChars;
    List<String> parts;
    Set<String> terms;

    Text(String message, int maxChars) {
      this.message = message;
      this.maxChars = maxChars;
    }

    void cut() {
      if (parts != null) {
        return;
      }
      int n = Math.min(message.length(), maxChars);
      List<MessageTerms.Chunk> chunks = MessageTerms.chunks(message.toCharArray(), n);
      parts = new java.util.ArrayList<>();
      terms = new HashSet<>();
      for (MessageTerms.Chunk c : chunks) {
        parts.addAll(c.parts());
        terms.addAll(c.parts());
        if (c.parts().size() > 1 && c.whole().length() < Words.MAX_WORD) {
          terms.add(c.whole());
        }
      }
    }
  }

  private static boolean eval(QueryNode n, LogRecord r, Text text) {
    if (n instanceof QueryNode.All) {
      return true;
    }
    if (n instanceof QueryNode.Not not) {
      return !eval(not.clause(), r, text);
    }
    if (n instanceof QueryNode.And and) {
      for (QueryNode c : and.clauses()) {
        if (!eval(c, r, text)) {
          return false;
        }
      }
      return true;
    }
    if (n instanceof QueryNode.Or or) {
      for (QueryNode c : or.clauses()) {
        if (eval(c, r, text)) {
          return true;
        }
      }
      return false;
    }
    if (n instanceof QueryNode.Term t) {
      if (!t.field().equals(IndexFields.MESSAGE)) {
        return keywordMatches(r, t.field(), t.text(), false);
      }
      List<MessageTerms.Chunk> q = MessageTerms.chunks(t.text());
      text.cut();
      if (q.size() == 1
          && (q.get(0).parts().size() == 1 || q.get(0).whole().length() < Words.MAX_WORD)) {
        return text.terms.contains(q.get(0).whole());
      }
      return containsSequence(text.parts, MessageTerms.parts(t.text()));
    }
    if (n instanceof QueryNode.Phrase p) {
      text.cut();
      return containsSequence(text.parts, MessageTerms.parts(p.text()));
    }
    if (n instanceof QueryNode.Prefix p) {
      if (!p.field().equals(IndexFields.MESSAGE)) {
        return keywordMatches(r, p.field(), p.text(), true);
      }
      List<MessageTerms.Chunk> q = MessageTerms.chunks(p.text());
      if (q.size() != 1) {
        return false;
      }
      text.cut();
      String prefix = q.get(0).whole();
      for (String term : text.terms) {
        if (term.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
    return false;
  }

  private static boolean containsSequence(List<String> parts, List<String> seq) {
    if (seq.isEmpty()) {
      return false;
    }
    outer:
    for (int i = 0; i + seq.size() <= parts.size(); i++) {
      for (int k = 0; k < seq.size(); k++) {
        if (!parts.get(i + k).equals(seq.get(k))) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean keywordMatches(LogRecord r, String field, String value, boolean prefix) {
    switch (field) {
      case IndexFields.APP:
        return eq(r.appId(), value, prefix) || eq(r.appName(), value, prefix);
      case IndexFields.ORG:
        return eq(r.orgId(), value, prefix) || eq(r.orgName(), value, prefix);
      case IndexFields.SPACE:
        return eq(r.spaceId(), value, prefix) || eq(r.spaceName(), value, prefix);
      case IndexFields.HOST:
        return eq(r.host(), value, prefix);
      case IndexFields.PROGRAM:
        return eq(r.program(), value, prefix);
      case IndexFields.SOURCE_TYPE:
        return eq(r.sourceType(), value, prefix);
      case IndexFields.INSTANCE:
        return eq(r.instance(), value, prefix);
      case IndexFields.STREAM:
        return r.stream() != null && eq(r.stream().json(), value, prefix);
      case IndexFields.SEVERITY:
        return r.severity() != null && eq(r.severity().json(), value, prefix);
      case IndexFields.KIND:
        return eq(r.kind().json(), value, prefix);
      case IndexFields.DATACENTER:
        return eq(r.datacenter(), value, prefix);
      default:
        return false;
    }
  }

  private static boolean eq(String actual, String value, boolean prefix) {
    if (actual == null) {
      return false;
    }
    return prefix ? actual.startsWith(value) : actual.equals(value);
  }
}
