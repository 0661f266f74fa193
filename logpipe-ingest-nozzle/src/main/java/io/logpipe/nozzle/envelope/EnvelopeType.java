package io.logpipe.nozzle.envelope;

import java.util.Locale;

/** The kinds of envelope, named as the RLP gateway's selectors ({@code ?log&counter...}). */
public enum EnvelopeType {
  LOG,
  COUNTER,
  GAUGE,
  TIMER,
  EVENT;

  /** The name in configuration, selectors and metrics: {@code log}, {@code counter}, ... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type with this {@link #id()}, or null. */
  public static EnvelopeType fromId(String id) {
    for (EnvelopeType t : values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    return null;
  }
}
