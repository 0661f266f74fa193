package io.logpipe.index.query;

import java.util.List;

/**
 * A parsed query: the tree that {@link QueryParser} builds and that {@link LuceneQueries} (the
 * index) and {@link RecordMatcher} (the live tail) both evaluate, so a query means the same in
 * both. Field names are canonical ({@link QueryFields}); values of {@code severity}, {@code stream}
 * and {@code kind} are normalised.
 */
public sealed interface QueryNode {
  /** A word or words: {@code timeout}, {@code host:router-1}. */
  record Term(String field, String text) implements QueryNode {}

  /** Quoted words that must appear in this order: {@code "connection refused"}. */
  record Phrase(String field, String text) implements QueryNode {}

  /** A word's beginning: {@code conn*}. */
  record Prefix(String field, String text) implements QueryNode {}

  /** Every clause. */
  record And(List<QueryNode> clauses) implements QueryNode {}

  /** At least one clause. */
  record Or(List<QueryNode> clauses) implements QueryNode {}

  /** Not the clause. */
  record Not(QueryNode clause) implements QueryNode {}

  /** Every record (an empty query). */
  record All() implements QueryNode {}
}
