package io.logpipe.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts {@link ArchiverMain} as a child JVM with the test classpath. */
final class ChildArchiver implements AutoCloseable {
  final Process process;
  final Path log;

  private ChildArchiver(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ChildArchiver start(
      String bootstrap, Path dataDir, String yaml, String topic, String crashAt, Path workDir)
      throws IOException {
    Files.createDirectories(workDir);
    Path config = Files.createTempFile(workDir, "archiver", ".yaml");
    Files.writeString(config, yaml);
    Path log = Files.createTempFile(workDir, "archiver", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ArchiverMain.class.getName());
    cmd.add(bootstrap);
    cmd.add(dataDir.toString());
    cmd.add(config.toString());
    cmd.add(topic);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    if (crashAt != null) {
      pb.environment().put("LOGPIPE_ARCHIVE_CRASH_AT", crashAt);
    }
    return new ChildArchiver(pb.start(), log);
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  void signal(String sig) throws Exception {
    new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM and wait for a clean stop. */
  int stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return process.waitFor();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
