package io.logpipe.core.config;

import java.util.Objects;

/**
 * A configuration value that must never be logged or printed, such as a client secret. {@link
 * #toString()} hides it; {@link #value()} gives it to the code that needs it.
 *
 * @param value the secret; empty when not set, never null
 */
public record Secret(String value) {
  public Secret {
    Objects.requireNonNull(value, "value");
  }

  /** True when no secret is set. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "(not set)" : "(secret)";
  }
}
