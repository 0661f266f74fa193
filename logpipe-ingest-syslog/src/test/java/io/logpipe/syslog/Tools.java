package io.logpipe.syslog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real clients and tools the tests run (logger, rsyslogd, openssl). A missing tool skips the test,
 * unless {@code LOGPIPE_REQUIRE_TOOLS=1} (CI), where it fails it: CI never passes by skipping.
 */
final class Tools {
  private Tools() {}

  static boolean installed(String tool) {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Skips the calling test when a tool is missing (fails it under LOGPIPE_REQUIRE_TOOLS=1). */
  static void require(String tool, String debianPackage) {
    requireThat(installed(tool), tool, debianPackage);
  }

  /** As {@link #require}, for something other than a command (such as a plugin file). */
  static void requireThat(boolean present, String tool, String debianPackage) {
    if (present) {
      return;
    }
    if ("1".equals(System.getenv("LOGPIPE_REQUIRE_TOOLS"))) {
      throw new AssertionError(
          tool
              + " is not installed and LOGPIPE_REQUIRE_TOOLS=1 (CI installs the Debian package "
              + debianPackage
              + ")");
    }
    Assumptions.assumeTrue(
        false, tool + " is not installed (Debian package " + debianPackage + ")");
  }

  /** Runs a command to its end; fails with its output if it exits non-zero. */
  static String run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 60 s: " + out);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
    }
    return out;
  }
}
