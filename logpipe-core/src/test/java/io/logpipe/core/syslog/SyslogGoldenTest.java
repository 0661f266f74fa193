package io.logpipe.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code NAME.txt} under {@code golden/syslog} (raw input, byte for byte) beside the expected
 * canonical JSON of its record in {@code NAME.json}. Inputs named {@code stream-*} are a whole TCP
 * stream: they go through {@link SyslogFramer} and each frame through the parser, and {@code
 * NAME.expected} holds the transcript of frames and protocol errors. Run with {@code
 * -Dgolden.update=true} to rewrite the expected files, then review the diff.
 */
class SyslogGoldenTest {
  static final Path DIR = Paths.get("src/test/resources/golden/syslog");
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  static final String SENDER = "192.0.2.10";
  static final SyslogParser PARSER =
      new SyslogParser(
          SyslogParser.Options.defaults()
              .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
              .withDatacenter("dc1"));
  static final boolean UPDATE = Boolean.getBoolean("golden.update");

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (Path dir : List.of(DIR, DIR.resolve("malformed"))) {
      try (Stream<Path> files = Files.list(dir)) {
        files
            .filter(p -> p.getFileName().toString().endsWith(".txt"))
            .sorted()
            .forEach(p -> cases.add(Arguments.of(DIR.relativize(p).toString(), p)));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inputGivesTheGoldenRecord(String name, Path input) throws IOException {
    byte[] in = Files.readAllBytes(input);
    String base = input.getFileName().toString().replaceFirst("\\.txt$", "");
    boolean stream = base.startsWith("stream-");
    String actual;
    Path expectedFile;
    if (stream) {
      actual = transcript(in, in.length);
      expectedFile = input.resolveSibling(base + ".expected");
      assertThat(transcript(in, 1)).as("fed byte by byte").isEqualTo(actual);
      Random random = new Random(base.hashCode());
      for (int k = 0; k < 20; k++) {
        assertThat(transcript(in, 1 + random.nextInt(Math.max(1, in.length))))
            .as("fed in chunks")
            .isEqualTo(actual);
      }
    } else {
      LogRecord r = PARSER.parse(in, 0, in.length, NOW, SENDER);
      actual = json(r) + "\n";
      expectedFile = input.resolveSibling(base + ".json");
      assertThat(LogRecordJson.decode(LogRecordJson.encode(r))).isEqualTo(r);
      if (r.problem() != null) {
        assertThat(r.problem().rawBytes()).as("raw input kept").isEqualTo(in);
      }
    }
    if (UPDATE) {
      Files.writeString(expectedFile, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(expectedFile));
  }

  /** Control characters other than NUL are kept and not flagged; see docs/syslog-parsing.md. */
  static final Set<String> CLEAN_MALFORMED = Set.of("ansi-escapes", "cr-in-message");

  @Test
  void everyMalformedInputIsFlaggedOrCountedAsAProtocolError() throws IOException {
    try (Stream<Path> files = Files.list(DIR.resolve("malformed"))) {
      List<Path> inputs = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
      assertThat(inputs).hasSizeGreaterThan(40);
      for (Path input : inputs) {
        byte[] in = Files.readAllBytes(input);
        String base = input.getFileName().toString().replaceFirst("\\.txt$", "");
        if (base.startsWith("stream-")) {
          assertThat("\n" + transcript(in, in.length))
              .as(base)
              .containsAnyOf("\nerror ", "\"problem\":", "frame truncated");
        } else if (CLEAN_MALFORMED.contains(base)) {
          LogRecord r = PARSER.parse(in, 0, in.length, NOW, SENDER);
          assertThat(r.problem()).as(base).isNull();
        } else {
          LogRecord r = PARSER.parse(in, 0, in.length, NOW, SENDER);
          assertThat(r.problem()).as(base).isNotNull();
          assertThat(r.problem().rawBytes()).as(base).isEqualTo(in);
        }
      }
    }
  }

  /** Frames and errors, one per line; the stream fed in chunks of {@code chunk} bytes. */
  static String transcript(byte[] in, int chunk) {
    StringBuilder out = new StringBuilder();
    SyslogFramer framer =
        new SyslogFramer(
            new SyslogFramer.FrameSink() {
              @Override
              public void frame(byte[] buf, int off, int len, boolean truncated) {
                LogRecord r = PARSER.parse(buf, off, len, NOW, SENDER, truncated);
                out.append(truncated ? "frame truncated " : "frame ").append(json(r)).append('\n');
              }

              @Override
              public void protocolError(String reason, boolean close) {
                out.append(close ? "error close " : "error ").append(reason).append('\n');
              }
            });
    for (int off = 0; off < in.length; off += chunk) {
      framer.feed(in, off, Math.min(chunk, in.length - off));
    }
    framer.endOfInput();
    out.append("end framing=")
        .append(framer.framing())
        .append(" frames=")
        .append(framer.frames())
        .append(" truncated=")
        .append(framer.truncatedFrames())
        .append(" discarded=")
        .append(framer.discardedBytes())
        .append(" errors=")
        .append(framer.protocolErrors())
        .append('\n');
    return out.toString();
  }

  static String json(LogRecord r) {
    return new String(LogRecordJson.encode(r), StandardCharsets.UTF_8);
  }
}
