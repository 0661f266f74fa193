package io.logpipe.index.query;

import io.logpipe.core.record.Kind;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;
import io.logpipe.index.IndexFields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The field names the query syntax and the API filters accept, and their value rules. */
public final class QueryFields {
  /** Name as written -> canonical field. */
  private static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    for (String k : IndexFields.KEYWORDS) {
      NAMES.put(k, k);
    }
    NAMES.put(IndexFields.MESSAGE, IndexFields.MESSAGE);
    NAMES.put("msg", IndexFields.MESSAGE);
    NAMES.put("app_id", IndexFields.APP);
    NAMES.put("app_name", IndexFields.APP);
    NAMES.put("org_id", IndexFields.ORG);
    NAMES.put("org_name", IndexFields.ORG);
    NAMES.put("space_id", IndexFields.SPACE);
    NAMES.put("space_name", IndexFields.SPACE);
    NAMES.put("source", IndexFields.SOURCE_TYPE);
    NAMES.put("level", IndexFields.SEVERITY);
  }

  private QueryFields() {}

  /** The canonical field for a name as written, or null if there is none. */
  public static String canonical(String name) {
    return NAMES.get(name);
  }

  /** The names a query may use, for error messages. */
  public static List<String> known() {
    return List.copyOf(NAMES.keySet());
  }

  /**
   * The value as indexed for a keyword field ({@code severity} names and numbers, {@code stream}
   * aliases), or null if the field takes no such value.
   */
  public static String normalise(String field, String value) {
    switch (field) {
      case IndexFields.SEVERITY:
        Severity s = Severity.parse(value);
        return s == null ? null : s.json();
      case IndexFields.STREAM:
        Stream st = Stream.parse(value);
        return st == null ? null : st.json();
      case IndexFields.KIND:
        Kind k = Kind.fromJson(value);
        return k == null ? null : k.json();
      default:
        return value;
    }
  }

  /** What values a field takes, for error messages about a value it refused. */
  static String allowed(String field) {
    switch (field) {
      case IndexFields.SEVERITY:
        return "emerg, alert, crit, err, warning, notice, info, debug (or 0..7, error, warn)";
      case IndexFields.STREAM:
        return "out, err";
      case IndexFields.KIND:
        return "app, component";
      default:
        return "any text";
    }
  }
}
