package io.logpipe.index.query;

import io.logpipe.index.IndexFields;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the query syntax of {@code docs/search.md}:
 *
 * <pre>
 * query   = or
 * or      = and { "OR" and }
 * and     = unary { ["AND"] unary }          (words side by side must all match)
 * unary   = "NOT" unary | "-" unary | primary
 * primary = "(" or ")" | [field ":"] ( word | word "*" | '"' phrase '"' )
 * </pre>
 *
 * <p>{@code AND}, {@code OR} and {@code NOT} are operators only in capitals. A word without a field
 * searches the message. Every problem is a {@link QuerySyntaxException} naming the 0-based position
 * where it is. Stateless apart from one parse; create one per query.
 */
public final class QueryParser {
  /** Longest query accepted. */
  public static final int MAX_LENGTH = 4096;

  /** Most words, phrases and operators in one query. */
  public static final int MAX_CLAUSES = 256;

  private static final int MAX_DEPTH = 32;

  private enum Type {
    WORD,
    PHRASE,
    FIELD,
    LPAREN,
    RPAREN,
    MINUS,
    END
  }

  private record Token(Type type, String text, int pos, boolean glued) {}

  private final String parameter;
  private final String input;
  private final List<Token> tokens = new ArrayList<>();
  private int next;
  private int clauses;

  private QueryParser(String parameter, String input) {
    this.parameter = parameter;
    this.input = input;
  }

  /**
   * Parses a query.
   *
   * @param parameter the request parameter it came in, for error messages
   * @throws QuerySyntaxException naming the position of the first problem
   */
  public static QueryNode parse(String parameter, String query) {
    if (query == null || query.isBlank()) {
      return new QueryNode.All();
    }
    if (query.length() > MAX_LENGTH) {
      throw new QuerySyntaxException(
          parameter, MAX_LENGTH, "query is longer than " + MAX_LENGTH + " characters");
    }
    QueryParser p = new QueryParser(parameter, query);
    p.lex();
    QueryNode n = p.or(0);
    Token t = p.peek();
    if (t.type == Type.RPAREN) {
      throw p.error(t.pos, "')' at position " + t.pos + " has no matching '('");
    }
    if (t.type != Type.END) {
      throw p.error(t.pos, "unexpected '" + t.text + "' at position " + t.pos);
    }
    return n;
  }

  private QuerySyntaxException error(int pos, String message) {
    return new QuerySyntaxException(parameter, pos, message);
  }

  // ---- lexer

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c);
  }

  private static boolean ends(char c) {
    return isSpace(c) || c == '(' || c == ')' || c == '"';
  }

  private void lex() {
    int i = 0;
    int n = input.length();
    boolean glued = false;
    while (i < n) {
      char c = input.charAt(i);
      if (isSpace(c)) {
        i++;
        glued = false;
        continue;
      }
      if (c == '(') {
        tokens.add(new Token(Type.LPAREN, "(", i, glued));
        i++;
        glued = false;
        continue;
      }
      if (c == ')') {
        tokens.add(new Token(Type.RPAREN, ")", i, glued));
        i++;
        glued = true;
        continue;
      }
      if (c == '"') {
        StringBuilder b = new StringBuilder();
        int start = i++;
        boolean closed = false;
        while (i < n) {
          char d = input.charAt(i);
          if (d == '\\' && i + 1 < n) {
            b.append(input.charAt(i + 1));
            i += 2;
            continue;
          }
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          b.append(d);
          i++;
        }
        if (!closed) {
          throw error(start, "the quote at position " + start + " is never closed");
        }
        tokens.add(new Token(Type.PHRASE, b.toString(), start, glued));
        glued = true;
        continue;
      }
      if (c == '-' && !glued && i + 1 < n && !ends(input.charAt(i + 1))) {
        tokens.add(new Token(Type.MINUS, "-", i, false));
        i++;
        glued = true;
        continue;
      }
      int start = i;
      boolean hasField = false;
      while (i < n && !ends(input.charAt(i))) {
        char d = input.charAt(i);
        if (d == ':' && !hasField && isIdentifier(start, i)) {
          hasField = true;
          tokens.add(new Token(Type.FIELD, input.substring(start, i), start, glued));
          i++;
          if (i >= n || isSpace(input.charAt(i)) || input.charAt(i) == ')') {
            throw error(
                start,
                "'"
                    + input.substring(start, i)
                    + "' at position "
                    + start
                    + " needs a value after the colon");
          }
          start = i;
          glued = true;
          if (input.charAt(i) == '"' || input.charAt(i) == '(') {
            break;
          }
          continue;
        }
        i++;
      }
      if (i > start) {
        tokens.add(new Token(Type.WORD, input.substring(start, i), start, glued));
        glued = true;
      }
    }
    tokens.add(new Token(Type.END, "end of query", n, false));
  }

  private boolean isIdentifier(int start, int end) {
    if (end == start) {
      return false;
    }
    for (int k = start; k < end; k++) {
      char c = input.charAt(k);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  // ---- parser

  private Token peek() {
    return tokens.get(next);
  }

  private boolean isOperator(Token t, String op) {
    return t.type == Type.WORD && t.text.equals(op);
  }

  private QueryNode or(int depth) {
    List<QueryNode> parts = new ArrayList<>();
    parts.add(and(depth));
    while (isOperator(peek(), "OR")) {
      Token op = tokens.get(next++);
      expectOperand(op);
      parts.add(and(depth));
    }
    return parts.size() == 1 ? parts.get(0) : new QueryNode.Or(List.copyOf(parts));
  }

  private QueryNode and(int depth) {
    List<QueryNode> parts = new ArrayList<>();
    parts.add(unary(depth));
    while (true) {
      Token t = peek();
      if (t.type == Type.END || t.type == Type.RPAREN || isOperator(t, "OR")) {
        break;
      }
      if (isOperator(t, "AND")) {
        next++;
        expectOperand(t);
      }
      parts.add(unary(depth));
    }
    return parts.size() == 1 ? parts.get(0) : new QueryNode.And(List.copyOf(parts));
  }

  private void expectOperand(Token op) {
    Token t = peek();
    if (t.type == Type.END
        || t.type == Type.RPAREN
        || isOperator(t, "OR")
        || isOperator(t, "AND")) {
      throw error(
          op.pos,
          op.text
              + " at position "
              + op.pos
              + " needs something to search after it, found "
              + describe(t));
    }
  }

  private static String describe(Token t) {
    return t.type == Type.END ? "the end of the query" : "'" + t.text + "' at position " + t.pos;
  }

  private QueryNode unary(int depth) {
    if (depth > MAX_DEPTH) {
      throw error(peek().pos, "query nests deeper than " + MAX_DEPTH + " levels");
    }
    Token t = peek();
    if (isOperator(t, "NOT") || t.type == Type.MINUS) {
      next++;
      expectOperand(t);
      return new QueryNode.Not(unary(depth + 1));
    }
    return primary(depth);
  }

  private QueryNode primary(int depth) {
    Token t = tokens.get(next++);
    if (++clauses > MAX_CLAUSES) {
      throw error(t.pos, "query has more than " + MAX_CLAUSES + " clauses");
    }
    switch (t.type) {
      case LPAREN:
        {
          if (peek().type == Type.RPAREN) {
            throw error(t.pos, "the parentheses at position " + t.pos + " are empty");
          }
          QueryNode inner = or(depth + 1);
          Token close = tokens.get(next);
          if (close.type != Type.RPAREN) {
            throw error(
                t.pos,
                "'(' at position " + t.pos + " is never closed (found " + describe(close) + ")");
          }
          next++;
          return inner;
        }
      case RPAREN:
        throw error(t.pos, "')' at position " + t.pos + " has no matching '('");
      case END:
        throw error(t.pos, "the query ends where a word was expected");
      case FIELD:
        return fieldValue(t);
      case PHRASE:
        return phrase(IndexFields.MESSAGE, t);
      case WORD:
        if (t.text.equals("AND") || t.text.equals("OR")) {
          throw error(
              t.pos, t.text + " at position " + t.pos + " needs something to search before it");
        }
        return word(IndexFields.MESSAGE, t);
      default:
        throw error(t.pos, "unexpected '" + t.text + "' at position " + t.pos);
    }
  }

  private QueryNode fieldValue(Token f) {
    String field = QueryFields.canonical(f.text);
    if (field == null) {
      throw error(
          f.pos,
          "unknown field '"
              + f.text
              + "' at position "
              + f.pos
              + "; fields are "
              + String.join(", ", QueryFields.known())
              + " (to search for the text itself, put it in quotes)");
    }
    Token v = tokens.get(next++);
    if (v.type == Type.PHRASE) {
      return phrase(field, v);
    }
    if (v.type == Type.WORD) {
      return word(field, v);
    }
    if (v.type == Type.LPAREN) {
      throw error(
          v.pos,
          "a field takes one value, not a group, at position "
              + v.pos
              + "; write (app:a OR app:b)");
    }
    throw error(v.pos, "'" + f.text + ":' at position " + f.pos + " needs a value");
  }

  private QueryNode phrase(String field, Token t) {
    if (t.text.isBlank()) {
      throw error(t.pos, "the quotes at position " + t.pos + " are empty");
    }
    if (!field.equals(IndexFields.MESSAGE)) {
      return new QueryNode.Term(field, keyword(field, t.text, t.pos));
    }
    checkSearchable(t.text, t.pos);
    return new QueryNode.Phrase(field, t.text);
  }

  private QueryNode word(String field, Token t) {
    String text = t.text;
    if (text.endsWith("*")) {
      String prefix = text.substring(0, text.length() - 1);
      if (prefix.length() < 2 || prefix.indexOf('*') >= 0) {
        throw error(
            t.pos,
            "'"
                + text
                + "' at position "
                + t.pos
                + ": a prefix search needs at least 2 characters before a single trailing *");
      }
      if (!field.equals(IndexFields.MESSAGE)) {
        return new QueryNode.Prefix(field, keyword(field, prefix, t.pos));
      }
      checkSearchable(prefix, t.pos);
      return new QueryNode.Prefix(field, prefix);
    }
    if (!field.equals(IndexFields.MESSAGE)) {
      return new QueryNode.Term(field, keyword(field, text, t.pos));
    }
    checkSearchable(text, t.pos);
    return new QueryNode.Term(field, text);
  }

  private String keyword(String field, String value, int pos) {
    String v = QueryFields.normalise(field, value);
    if (v == null) {
      throw error(
          pos,
          "'"
              + value
              + "' at position "
              + pos
              + " is not a "
              + field
              + "; "
              + field
              + " is one of "
              + QueryFields.allowed(field));
    }
    return v;
  }

  private void checkSearchable(String text, int pos) {
    if (MessageTerms.parts(text).isEmpty()) {
      throw error(
          pos,
          "'"
              + text
              + "' at position "
              + pos
              + " has no letters or digits to search for (punctuation is not indexed)");
    }
  }
}
