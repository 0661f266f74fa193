package io.logpipe.index.query;

/**
 * A query that cannot be read; {@link #position()} is the 0-based character where it goes wrong.
 */
public final class QuerySyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int position;
  private final String parameter;

  public QuerySyntaxException(String parameter, int position, String message) {
    super(message);
    this.parameter = parameter;
    this.position = position;
  }

  /** The 0-based character position of the problem in the parameter's value. */
  public int position() {
    return position;
  }

  /** The request parameter that holds the problem, such as {@code q}. */
  public String parameter() {
    return parameter;
  }
}
