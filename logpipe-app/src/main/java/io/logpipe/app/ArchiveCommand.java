package io.logpipe.app;

import io.logpipe.archive.ArchiveReader;
import io.logpipe.archive.ArchiveSettings;
import io.logpipe.archive.ArchiveStores;
import io.logpipe.archive.ArchiveVerifier;
import io.logpipe.archive.CommitMarker;
import io.logpipe.archive.store.ObjectStore;
import io.logpipe.core.config.ConfigException;
import io.logpipe.core.config.Durations;
import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.RecordFormatException;
import io.logpipe.core.record.Timestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logpipe archive ls|cat|grep|verify}: history from the archive without other tools. Reads
 * only live objects (those a commit marker names), so orphans of crashes never show twice; streams
 * and decompresses one object at a time, so memory stays flat whatever the range.
 */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Read and check the archive (filesystem or S3).",
      "",
      "The store is the one the configuration names (archive.store; by default"
          + " ./data/archive), or the one given with --dir or --s3-bucket. Only objects named by a"
          + " commit marker are read: objects left by a crash are never shown twice."
    },
    subcommands = {
      ArchiveCommand.Ls.class,
      ArchiveCommand.Cat.class,
      ArchiveCommand.Grep.class,
      ArchiveCommand.Verify.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  logpipe archive ls --since 1d",
      "  logpipe archive cat --from 2026-03-02T09:00:00Z --to 2026-03-02T10:00:00Z --app checkout",
      "  logpipe archive grep 'timeout|refused' --since 6h --host router-3",
      "  logpipe archive cat --since 1h --json | jq -r .message",
      "  logpipe archive verify --deep",
      "  logpipe archive ls --s3-endpoint http://leofs:8080 --s3-bucket logs --since 2h"
    })
final class ArchiveCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say ls, cat, grep or verify (see --help)");
  }

  /** A size for people: 812 B, 53.2 KiB, 1.4 GiB. */
  static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Which archive: the configuration's, or one given on the command line. */
  static final class StoreOptions {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "configuration to take the archive settings from (env LOGPIPE_CONFIG)")
    Path config;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "a filesystem archive directory (default: archive.directory, ./data/archive)")
    Path dir;

    @Option(
        names = "--s3-bucket",
        paramLabel = "BUCKET",
        description =
            "read from this S3 bucket (credentials: archive.s3.*, AWS_ACCESS_KEY_ID and"
                + " AWS_SECRET_ACCESS_KEY, or the AWS default chain)")
    String bucket;

    @Option(
        names = "--s3-endpoint",
        paramLabel = "URL",
        description = "an S3-compatible endpoint, e.g. http://leofs:8080 (default: AWS)")
    String endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "the signing region")
    String region;

    @Option(
        names = "--prefix",
        paramLabel = "PREFIX",
        description = "the archive's key prefix (default: archive.prefix)")
    String prefix;

    @Option(
        names = {"-t", "--topic"},
        paramLabel = "TOPIC",
        description =
            "app, component or a topic name; repeatable (default: every archived topic,"
                + " archive.topics)")
    List<String> topics = new ArrayList<>();

    /** The archive settings, with the command line's choices as environment overrides. */
    LogpipeConfig load(Map<String, String> env) {
      Map<String, String> e = new HashMap<>(env);
      if (dir != null) {
        e.put("LOGPIPE_ARCHIVE_STORE", "filesystem");
        e.put("LOGPIPE_ARCHIVE_DIRECTORY", dir.toString());
      }
      if (bucket != null) {
        e.put("LOGPIPE_ARCHIVE_STORE", "s3");
        e.put("LOGPIPE_ARCHIVE_S3_BUCKET", bucket);
      }
      if (endpoint != null) {
        e.put("LOGPIPE_ARCHIVE_S3_ENDPOINT", endpoint);
      }
      if (region != null) {
        e.put("LOGPIPE_ARCHIVE_S3_REGION", region);
      }
      if (prefix != null) {
        e.put("LOGPIPE_ARCHIVE_PREFIX", prefix);
      }
      // Readers never write: no probe object for conditional writes.
      e.put("LOGPIPE_ARCHIVE_S3_CONDITIONAL_WRITES", "off");
      return LogpipeConfig.load(config != null ? config : UpCommand.configFromEnv(env), e);
    }

    List<String> topics(LogpipeConfig c) {
      if (topics.isEmpty()) {
        return c.archiveSettings().topics();
      }
      List<String> out = new ArrayList<>();
      for (String t : topics) {
        out.add(
            switch (t) {
              case "app" -> c.kafka().topics().app().name();
              case "component" -> c.kafka().topics().component().name();
              case "dlq" -> c.kafka().topics().dlq().name();
              default -> t;
            });
      }
      return out;
    }
  }

  /** Which records: a time range and app or host filters. */
  static final class RecordFilter {
    @Option(
        names = "--from",
        paramLabel = "TIME",
        description =
            "records at or after this event time: 2026-03-02T09:00:00Z, 2026-03-02 (UTC"
                + " midnight), or a duration ago such as 2h")
    String from;

    @Option(
        names = "--to",
        paramLabel = "TIME",
        description = "records before this event time (same forms as --from)")
    String to;

    @Option(
        names = "--since",
        paramLabel = "DURATION",
        description = "records of the last DURATION, e.g. 30m, 6h, 7d (instead of --from)")
    String since;

    @Option(
        names = "--app",
        paramLabel = "APP",
        description = "only app records of this app name or app id; repeatable")
    List<String> apps = new ArrayList<>();

    @Option(
        names = "--host",
        paramLabel = "HOST",
        description = "only component records from this host; repeatable")
    List<String> hosts = new ArrayList<>();

    Instant fromInstant;
    Instant toInstant;

    void resolve(CommandLine cl, Clock clock) {
      if (since != null && from != null) {
        throw new CommandLine.ParameterException(cl, "give --since or --from, not both");
      }
      Instant now = clock.instant();
      fromInstant = since != null ? now.minus(duration(cl, "--since", since)) : time(cl, from, now);
      toInstant = time(cl, to, now);
      if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
        throw new CommandLine.ParameterException(cl, "--from must be before --to");
      }
    }

    private static Instant time(CommandLine cl, String s, Instant now) {
      if (s == null) {
        return null;
      }
      if (!s.isEmpty() && Character.isDigit(s.charAt(0)) && !s.contains("-")) {
        return now.minus(duration(cl, "a time", s));
      }
      try {
        if (s.length() == 10) {
          return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return Timestamps.parse(s);
      } catch (DateTimeException e) {
        throw new CommandLine.ParameterException(
            cl,
            "'"
                + s
                + "' is not a time: use 2026-03-02T09:00:00Z, 2026-03-02 or a duration ago"
                + " such as 2h");
      }
    }

    private static java.time.Duration duration(CommandLine cl, String what, String s) {
      try {
        return Durations.parse(s);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cl, what + ": " + e.getMessage());
      }
    }

    boolean needsRecords() {
      return fromInstant != null || toInstant != null || !apps.isEmpty() || !hosts.isEmpty();
    }

    boolean matches(LogRecord r) {
      Instant t = r.time();
      if (fromInstant != null && t.isBefore(fromInstant)) {
        return false;
      }
      if (toInstant != null && !t.isBefore(toInstant)) {
        return false;
      }
      if (!apps.isEmpty()
          && (r.kind() != Kind.APP || !(apps.contains(r.appName()) || apps.contains(r.appId())))) {
        return false;
      }
      return hosts.isEmpty() || (r.kind() == Kind.COMPONENT && hosts.contains(r.host()));
    }
  }

  /** Shared by the subcommands: options, the environment, opening the store. */
  abstract static class Base implements Callable<Integer>, Main.EnvironmentAware {
    @Mixin StoreOptions store;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    Map<String, String> env = Map.of();
    Clock clock = Clock.systemUTC();

    @Override
    public void environment(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() throws Exception {
      LogpipeConfig c;
      try {
        c = store.load(env);
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("logpipe: " + e.getMessage());
        return Main.USAGE;
      }
      ArchiveSettings s = c.archiveSettings();
      if (s.store().equals("filesystem") && !java.nio.file.Files.isDirectory(s.directory())) {
        spec.commandLine()
            .getErr()
            .println(
                "logpipe: no archive in "
                    + s.directory()
                    + " (give --dir, --s3-bucket or --config)");
        return Main.FAILED;
      }
      try (ObjectStore os = ArchiveStores.open(s)) {
        PrintWriter out = spec.commandLine().getOut();
        try {
          return run(new ArchiveReader(os, s.prefix()), store.topics(c), out);
        } finally {
          out.flush();
        }
      } catch (CommandLine.ParameterException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        spec.commandLine().getErr().println("logpipe: cannot read the archive: " + e);
        return Main.FAILED;
      }
    }

    abstract int run(ArchiveReader reader, List<String> topics, PrintWriter out) throws IOException;
  }

  /** Base for the commands that print records. */
  abstract static class RecordsBase extends Base {
    @Mixin RecordFilter filter;

    @Option(names = "--json", description = "print each record's JSON as archived")
    boolean json;

    @Option(
        names = {"-n", "--max"},
        paramLabel = "N",
        description = "stop after N records")
    long max = Long.MAX_VALUE;

    @Override
    int run(ArchiveReader reader, List<String> topics, PrintWriter out) throws IOException {
      filter.resolve(spec.commandLine(), clock);
      long[] printed = {0};
      for (ArchiveReader.LiveObject o :
          reader.liveObjects(topics, filter.fromInstant, filter.toInstant)) {
        if (printed[0] >= max) {
          break;
        }
        reader.lines(
            o.entry().key(),
            (bytes, len) -> {
              LogRecord r;
              try {
                r = LogRecordJson.decode(bytes, 0, len);
              } catch (RecordFormatException e) {
                // Not a record (the verifier reports it): shown only without filters.
                if (!filter.needsRecords()) {
                  out.println(
                      "[not a record: "
                          + e.getMessage()
                          + "] "
                          + io.logpipe.core.text.TerminalText.escape(
                              new String(bytes, 0, len, StandardCharsets.UTF_8)));
                }
                return true;
              }
              if (!filter.matches(r) || !select(r)) {
                return true;
              }
              if (json) {
                // JSON escapes every control character, so archived JSON is safe to print as is.
                out.println(new String(bytes, 0, len, StandardCharsets.UTF_8));
              } else {
                out.println(RecordPrinter.format(r));
              }
              return ++printed[0] < max;
            });
        if (out.checkError()) {
          break; // The reader went away (| head): stop quietly.
        }
      }
      return 0;
    }

    boolean select(LogRecord r) {
      return true;
    }
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "List the archive's live objects, oldest event hour first.",
        "",
        "One line per object: its event-time range, records, compressed size and key; a total at"
            + " the end. --from/--to/--since select objects whose records overlap the range."
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  logpipe archive ls --since 6h",
        "  logpipe archive ls --topic app --from 2026-03-02 --to 2026-03-03",
        "  logpipe archive ls --dir /var/lib/logpipe/archive"
      })
  static final class Ls extends Base {
    @Option(
        names = "--from",
        paramLabel = "TIME",
        description = "objects with records at or after this time (as for cat)")
    String from;

    @Option(
        names = "--to",
        paramLabel = "TIME",
        description = "objects with records before this time")
    String to;

    @Option(
        names = "--since",
        paramLabel = "DURATION",
        description = "objects of the last DURATION")
    String since;

    @Override
    int run(ArchiveReader reader, List<String> topics, PrintWriter out) throws IOException {
      RecordFilter f = new RecordFilter();
      f.from = from;
      f.to = to;
      f.since = since;
      f.resolve(spec.commandLine(), clock);
      long objects = 0;
      long records = 0;
      long bytes = 0;
      long raw = 0;
      for (ArchiveReader.LiveObject o : reader.liveObjects(topics, f.fromInstant, f.toInstant)) {
        CommitMarker.Entry e = o.entry();
        out.printf(
            Locale.ROOT,
            "%s  %s  %8d records  %10s  %s%n",
            Timestamps.format(e.minTime()),
            Timestamps.format(e.maxTime()),
            e.records(),
            human(e.bytes()),
            e.key());
        objects++;
        records += e.records();
        bytes += e.bytes();
        raw += e.rawBytes();
      }
      out.printf(
          Locale.ROOT,
          "%d objects, %d records, %s compressed, %s raw%s%n",
          objects,
          records,
          human(bytes),
          human(raw),
          bytes > 0 ? String.format(Locale.ROOT, " (ratio %.1f)", (double) raw / bytes) : "");
      return 0;
    }
  }

  @Command(
      name = "cat",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Print archived records, one line each (control characters escaped), or their JSON.",
        "",
        "Objects are read hour by hour, in offset order within each partition."
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  logpipe archive cat --since 1h",
        "  logpipe archive cat --from 2026-03-02T09:00:00Z --to 2026-03-02T09:30:00Z --app checkout",
        "  logpipe archive cat --topic component --host router-3 --since 1d",
        "  logpipe archive cat --since 2h --json | jq -r 'select(.severity==\"err\") | .message'"
      })
  static final class Cat extends RecordsBase {}

  @Command(
      name = "grep",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Print archived records whose message matches a regular expression (Java syntax).",
        "",
        "Takes the same filters as cat; give a time range to read less."
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  logpipe archive grep 'OutOfMemoryError' --since 1d --app checkout",
        "  logpipe archive grep -i 'connection (refused|reset)' --from 2026-03-02",
        "  logpipe archive grep timeout --since 6h --json | jq .app_name | sort | uniq -c"
      })
  static final class Grep extends RecordsBase {
    @Parameters(paramLabel = "PATTERN", description = "a regular expression, searched in messages")
    String pattern;

    @Option(
        names = {"-i", "--ignore-case"},
        description = "match upper and lower case alike")
    boolean ignoreCase;

    private Pattern compiled;

    @Override
    int run(ArchiveReader reader, List<String> topics, PrintWriter out) throws IOException {
      try {
        compiled =
            Pattern.compile(
                pattern, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
      } catch (PatternSyntaxException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "not a regular expression: " + e.getDescription());
      }
      return super.run(reader, topics, out);
    }

    @Override
    boolean select(LogRecord r) {
      return compiled.matcher(r.message()).find();
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Check the archive: per partition, the commit markers cover the offsets with no gap and"
            + " no overlap, and every object they name exists with its recorded size.",
        "",
        "--deep also reads every object: checksum, record count, every line a record. Prints one"
            + " line per partition and every problem; exit code 0 if none, 1 otherwise. Objects"
            + " that no marker names (left by a crash, ignored by readers) are counted as orphans."
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  logpipe archive verify",
        "  logpipe archive verify --deep --topic app",
        "  logpipe archive verify --s3-endpoint http://leofs:8080 --s3-bucket logs"
      })
  static final class Verify extends Base {
    @Option(names = "--deep", description = "also read and check every object's content")
    boolean deep;

    @Override
    int run(ArchiveReader reader, List<String> topics, PrintWriter out) throws IOException {
      ArchiveVerifier.Report r = new ArchiveVerifier(reader).verify(topics, deep);
      r.partitionLines().forEach(out::println);
      for (String p : r.problems()) {
        out.println("PROBLEM: " + p);
      }
      out.printf(
          Locale.ROOT,
          "%s: %d partitions, %d markers, %d objects, %d records, %d orphans%s%n",
          r.ok() ? "OK" : "FAILED",
          r.partitions(),
          r.markers(),
          r.objects(),
          r.records(),
          r.orphans(),
          r.ok() ? "" : ", " + r.problems().size() + " problems");
      return r.ok() ? 0 : Main.FAILED;
    }
  }
}
