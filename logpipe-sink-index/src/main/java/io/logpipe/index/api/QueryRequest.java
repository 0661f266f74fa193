package io.logpipe.index.api;

import io.logpipe.core.config.Durations;
import io.logpipe.core.record.Timestamps;
import io.logpipe.index.IndexFields;
import io.logpipe.index.IndexSettings;
import io.logpipe.index.LogSearch;
import io.logpipe.index.query.QueryFields;
import io.logpipe.index.query.QueryNode;
import io.logpipe.index.query.QueryParser;
import io.logpipe.index.query.QuerySyntaxException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The request parameters the query endpoints share: filters, the query text, the time range, order
 * and paging. Every problem is a {@link QuerySyntaxException} naming the parameter (and, for the
 * query text, the position).
 */
final class QueryRequest {
  /** Filter parameters: each takes one or more values (repeated or comma-separated). */
  static final List<String> FILTERS =
      List.of(
          IndexFields.APP,
          IndexFields.ORG,
          IndexFields.SPACE,
          IndexFields.HOST,
          IndexFields.PROGRAM,
          IndexFields.SOURCE_TYPE,
          IndexFields.INSTANCE,
          IndexFields.STREAM,
          IndexFields.SEVERITY,
          IndexFields.KIND,
          IndexFields.DATACENTER);

  private final Map<String, List<String>> params;

  private QueryRequest(Map<String, List<String>> params) {
    this.params = params;
  }

  /**
   * Checks that every parameter is one the endpoint knows.
   *
   * @param extra the endpoint's own parameters besides filters and {@code q}
   */
  static QueryRequest of(Map<String, List<String>> params, Set<String> extra) {
    for (String name : params.keySet()) {
      if (!FILTERS.contains(name) && !name.equals("q") && !extra.contains(name)) {
        Set<String> known = new TreeSet<>(FILTERS);
        known.add("q");
        known.addAll(extra);
        throw new QuerySyntaxException(
            name,
            0,
            "unknown parameter '" + name + "'; parameters are " + String.join(", ", known));
      }
    }
    return new QueryRequest(params);
  }

  String single(String name) {
    List<String> v = params.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (v.size() > 1) {
      throw new QuerySyntaxException(name, 0, "'" + name + "' may be given only once");
    }
    return v.get(0);
  }

  /** Filters and the query text, as one tree. */
  QueryNode query() {
    List<QueryNode> all = new ArrayList<>();
    for (String f : FILTERS) {
      List<String> values = params.get(f);
      if (values == null) {
        continue;
      }
      List<QueryNode> any = new ArrayList<>();
      for (String v : values) {
        for (String one : v.split(",")) {
          String value = one.trim();
          if (value.isEmpty()) {
            continue;
          }
          String norm = QueryFields.normalise(f, value);
          if (norm == null) {
            throw new QuerySyntaxException(f, 0, "'" + value + "' is not a " + f);
          }
          any.add(new QueryNode.Term(f, norm));
        }
      }
      if (any.isEmpty()) {
        throw new QuerySyntaxException(f, 0, "'" + f + "' needs a value");
      }
      all.add(any.size() == 1 ? any.get(0) : new QueryNode.Or(List.copyOf(any)));
    }
    String q = single("q");
    if (q != null && !q.isBlank()) {
      all.add(QueryParser.parse("q", q));
    }
    if (all.isEmpty()) {
      return new QueryNode.All();
    }
    return all.size() == 1 ? all.get(0) : new QueryNode.And(List.copyOf(all));
  }

  /** {@code from} (or {@code since}, a duration back from now); null if neither. */
  Instant from(Clock clock) {
    String since = single("since");
    String from = single("from");
    if (since != null && from != null) {
      throw new QuerySyntaxException("since", 0, "give 'since' or 'from', not both");
    }
    if (since != null) {
      return clock.instant().minus(duration("since", since));
    }
    return from == null ? null : time("from", from, clock);
  }

  /** {@code to}; null if absent. */
  Instant to(Clock clock) {
    String to = single("to");
    return to == null ? null : time("to", to, clock);
  }

  /** An RFC 3339 time, or a duration meaning that long ago ({@code 2h}). */
  static Instant time(String name, String text, Clock clock) {
    try {
      return Timestamps.parse(text.trim());
    } catch (DateTimeException e) {
      try {
        return clock.instant().minus(Durations.parse(text.trim()));
      } catch (RuntimeException e2) {
        throw new QuerySyntaxException(
            name,
            0,
            "'"
                + text
                + "' is neither a time (2026-11-26T10:15:30Z) nor a duration back from now (15m, 2h, 7d)");
      }
    }
  }

  static Duration duration(String name, String text) {
    try {
      Duration d = Durations.parse(text.trim());
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new QuerySyntaxException(
          name, 0, "'" + text + "' is not a duration such as 15m, 2h, 7d");
    }
  }

  boolean newestFirst() {
    String order = single("order");
    if (order == null || order.equals("newest")) {
      return true;
    }
    if (order.equals("oldest")) {
      return false;
    }
    throw new QuerySyntaxException("order", 0, "order is newest or oldest, not '" + order + "'");
  }

  int limit(IndexSettings s) {
    String l = single("limit");
    if (l == null) {
      return s.defaultPageSize();
    }
    try {
      int n = Integer.parseInt(l.trim());
      if (n >= 1 && n <= s.maxPageSize()) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new QuerySyntaxException(
        "limit", 0, "limit is a number from 1 to " + s.maxPageSize() + ", not '" + l + "'");
  }

  LogSearch.Cursor cursor(boolean newestFirst) {
    String c = single("cursor");
    if (c == null || c.isBlank()) {
      return null;
    }
    LogSearch.Cursor cursor;
    try {
      cursor = LogSearch.Cursor.decode(c.trim());
    } catch (IllegalArgumentException e) {
      throw new QuerySyntaxException("cursor", 0, e.getMessage());
    }
    if (cursor.newestFirst() != newestFirst) {
      throw new QuerySyntaxException(
          "cursor",
          0,
          "this cursor belongs to a search in the other order; keep 'order' as it was");
    }
    return cursor;
  }
}
