package io.logpipe.core.record;

import java.util.Locale;

/** The output stream an application line was written to. */
public enum Stream {
  OUT("out"),
  ERR("err");

  private final String json;

  Stream(String json) {
    this.json = json;
  }

  /** The name used in JSON. */
  public String json() {
    return json;
  }

  /** The stream for a name such as {@code out}, {@code stdout}, {@code ERR}; null if unknown. */
  public static Stream parse(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "out":
      case "stdout":
        return OUT;
      case "err":
      case "stderr":
        return ERR;
      default:
        return null;
    }
  }
}
