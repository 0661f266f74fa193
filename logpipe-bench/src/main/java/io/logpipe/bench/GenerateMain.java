package io.logpipe.bench;

import io.logpipe.core.config.DataSize;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Writes a file of generated log lines, for benchmarks and for measuring how the data compresses.
 *
 * <pre>
 * GenerateMain --out FILE (--records N | --bytes SIZE) [--format ndjson|syslog5424]
 *              [--seed N] [--start RFC3339|now] [--rate RECORDS_PER_SECOND]
 * </pre>
 *
 * <p>Prints the records and bytes written and the time taken. Exits with status 2 on bad arguments.
 */
public final class GenerateMain {
  private static final String USAGE =
      "usage: GenerateMain --out FILE (--records N | --bytes SIZE) [--format ndjson|syslog5424]\n"
          + "                    [--seed N] [--start 2026-03-02T09:00:00Z|now] [--rate N]\n"
          + "  SIZE is a number with a unit such as 100MB or 1GiB.";

  private GenerateMain() {}

  public static void main(String[] args) throws IOException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("GenerateMain: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    LoadGenerator generator = new LoadGenerator(options.seed, options.start, options.rate);
    long started = System.nanoTime();
    LoadGenerator.Written written =
        generator.write(options.out, options.format, options.records, options.bytes);
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "wrote %d records, %d bytes (%.1f MB, %.1f bytes/line) of %s to %s in %.2f s:"
            + " %.0f records/s, %.1f MB/s%n",
        written.records(),
        written.bytes(),
        written.bytes() / 1e6,
        written.records() == 0 ? 0.0 : (double) written.bytes() / written.records(),
        options.format.cliName(),
        options.out,
        seconds,
        written.records() / seconds,
        written.bytes() / 1e6 / seconds);
  }

  /** The parsed command line. */
  private record Options(
      Path out,
      LineFormat format,
      long records,
      long bytes,
      long seed,
      Instant start,
      double rate) {

    static Options parse(String[] args) {
      Path out = null;
      LineFormat format = LineFormat.NDJSON;
      long records = Long.MAX_VALUE;
      long bytes = Long.MAX_VALUE;
      long seed = 1;
      Instant start = LoadGenerator.DEFAULT_START;
      double rate = LoadGenerator.DEFAULT_RECORDS_PER_SECOND;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args[++i];
        switch (name) {
          case "--out" -> out = Path.of(value);
          case "--format" -> format = LineFormat.parse(value);
          case "--records" -> records = positive(name, value);
          case "--bytes" -> bytes = DataSize.parse(value).bytes();
          case "--seed" -> seed = number(name, value);
          case "--rate" -> rate = positive(name, value);
          case "--start" -> start = instant(value);
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (out == null) {
        throw new IllegalArgumentException("--out is required");
      }
      if (records == Long.MAX_VALUE && bytes == Long.MAX_VALUE) {
        throw new IllegalArgumentException("give --records or --bytes");
      }
      return new Options(out, format, records, bytes, seed, start, rate);
    }

    private static long number(String name, String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": \"" + value + "\" is not a number", e);
      }
    }

    private static long positive(String name, String value) {
      long n = number(name, value);
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be positive, not " + value);
      }
      return n;
    }

    private static Instant instant(String value) {
      if (value.equals("now")) {
        return Instant.now();
      }
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--start: \"" + value + "\" is not an instant such as 2026-03-02T09:00:00Z or now", e);
      }
    }
  }
}
