package io.logpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps {@code docs/benchmarks.md} current: each benchmark owns a section between {@code <!--
 * bench:NAME:start -->} and {@code <!-- bench:NAME:end -->} and replaces it with its latest report;
 * text outside the markers (method, discussion) is left alone.
 */
final class BenchmarkDocs {
  private BenchmarkDocs() {}

  static void replaceSection(Path file, String name, String body) throws IOException {
    String start = "<!-- bench:" + name + ":start -->";
    String end = "<!-- bench:" + name + ":end -->";
    String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
    int s = text.indexOf(start);
    int e = text.indexOf(end);
    String section = start + "\n" + body.strip() + "\n" + end;
    if (s >= 0 && e > s) {
      text = text.substring(0, s) + section + text.substring(e + end.length());
    } else {
      text = text.stripTrailing() + "\n\n" + section + "\n";
    }
    Files.writeString(file, text);
  }
}
