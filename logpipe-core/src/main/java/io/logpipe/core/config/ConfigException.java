package io.logpipe.core.config;

import java.util.List;

/** Configuration that cannot be used; carries every problem found, each with its key path. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(describe(source, problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code key.path: what is wrong}. */
  public List<String> problems() {
    return problems;
  }

  private static String describe(String source, List<String> problems) {
    StringBuilder b = new StringBuilder();
    b.append(source)
        .append(" has ")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem:" : " problems:");
    for (String p : problems) {
      b.append("\n  - ").append(p);
    }
    return b.toString();
  }
}
