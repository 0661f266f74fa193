package io.logpipe.core.record;

/** Where a record comes from: a platform application or a platform component. */
public enum Kind {
  /** An application's stdout/stderr line, streamed by the platform's log system. */
  APP("app"),
  /** A platform daemon's log line (router, cell, API server), usually over syslog. */
  COMPONENT("component");

  private final String json;

  Kind(String json) {
    this.json = json;
  }

  /** The name used in JSON. */
  public String json() {
    return json;
  }

  /** The kind for a JSON name, or null if there is none. */
  public static Kind fromJson(String name) {
    for (Kind k : values()) {
      if (k.json.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
