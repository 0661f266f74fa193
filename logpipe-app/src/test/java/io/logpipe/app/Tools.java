package io.logpipe.app;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real clients tests drive (kcat, rsyslogd, logger). A missing tool skips that part of a
 * test on a developer's machine, but fails it when {@code LOGPIPE_REQUIRE_TOOLS=1} (CI installs
 * every tool, so CI never passes by skipping).
 */
final class Tools {
  private Tools() {}

  /** The tool's path, or null when it is missing and tools are not required. */
  static Path require(String command, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin"}) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    missing(command + " (" + debianPackage + ")");
    return null;
  }

  /** Reports a missing tool: fails when tools are required, else returns false. */
  static boolean missing(String what) {
    if ("1".equals(System.getenv("LOGPIPE_REQUIRE_TOOLS"))) {
      throw new AssertionError(
          what + " is not installed and LOGPIPE_REQUIRE_TOOLS=1 (.ci/run installs it)");
    }
    System.err.println(what + " is not installed: skipping the part of the test that needs it");
    return false;
  }
}
