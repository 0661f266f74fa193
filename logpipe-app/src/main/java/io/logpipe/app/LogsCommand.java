package io.logpipe.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.RecordFormatException;
import io.logpipe.core.text.TerminalText;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logpipe logs APP}: an app's logs from the index (history) and from Kafka (live), printed
 * like {@code cf logs}.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Show an app's logs: recent lines, a time range, or live (like `cf logs`).",
      "",
      "APP is the app's name or GUID. Without --recent, --since or --from, follows new lines as"
          + " they arrive (like `cf logs APP`). Lines print as TIME [SOURCE/INSTANCE] OUT|ERR"
          + " message; control characters and terminal escapes in log text are shown escaped"
          + " unless --raw. Needs a logpipe running the index role (logpipe up does)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  logpipe logs my-app --recent              the last 1000 lines",
      "  logpipe logs my-app                       follow new lines (Ctrl-C ends)",
      "  logpipe logs my-app --recent -f           the last lines, then follow",
      "  logpipe logs my-app --since 2h --grep 'timeout OR \"connection refused\"'",
      "  logpipe logs my-app --from 2026-11-26T10:00:00Z --to 2026-11-26T11:00:00Z --json",
      "",
      "Query syntax (--grep): docs/search.md"
    })
final class LogsCommand implements Callable<Integer>, Main.EnvironmentAware {
  @Parameters(paramLabel = "APP", description = "the app's name or GUID")
  String app;

  @CommandLine.Mixin QueryOptions options = new QueryOptions();

  @Option(
      names = "--recent",
      description = "print the most recent lines (see --lines) and exit, unless -f")
  boolean recent;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      description = "how many lines --recent prints (default: ${DEFAULT-VALUE})")
  int lines = 1000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  private Map<String, String> env = Map.of();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> filters = new LinkedHashMap<>();
    filters.put("app", app);
    boolean history = recent || options.since != null || options.from != null;
    boolean follow = options.follow || !history;
    return options.run(spec, env, filters, history, recent ? lines : 0, follow, false);
  }

  /** Options that logs and search share, and the printing loop. */
  static final class QueryOptions {
    @Option(
        names = "--since",
        paramLabel = "DURATION",
        description = "lines of the last DURATION (15m, 2h, 7d), oldest first")
    String since;

    @Option(
        names = "--from",
        paramLabel = "TIME",
        description =
            "lines from TIME (RFC 3339, such as 2026-11-26T10:00:00Z, or 2h for 2 hours ago)")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "lines before TIME")
    String to;

    @Option(
        names = {"-f", "--follow"},
        description = "then follow new lines live; keeps going across a server restart")
    boolean follow;

    @Option(
        names = "--grep",
        paramLabel = "QUERY",
        description = "only lines that match QUERY (words, \"phrases\", AND/OR/NOT, field:value)")
    String grep;

    @Option(names = "--json", description = "print each record as JSON, one per line")
    boolean json;

    @Option(
        names = "--raw",
        description = "print log text as stored: control characters and escapes reach the terminal")
    boolean raw;

    @Option(
        names = "--color",
        paramLabel = "WHEN",
        description = "auto (on a terminal), always or never (default: ${DEFAULT-VALUE})")
    String color = "auto";

    @Option(
        names = {"-s", "--server"},
        paramLabel = "URL",
        description = "the logpipe to ask (default: env LOGPIPE_SERVER, else http.listen)")
    String server;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "configuration to take http.listen from")
    Path config;

    URI base(Map<String, String> env) {
      String s = server != null ? server : env.get("LOGPIPE_SERVER");
      if (s == null || s.isBlank()) {
        LogpipeConfig c =
            LogpipeConfig.load(config != null ? config : UpCommand.configFromEnv(env), env);
        String host = c.http().listen().host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
          host = "127.0.0.1";
        }
        s =
            "http://"
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + c.http().listen().port();
      }
      return URI.create(s.endsWith("/") ? s : s + "/");
    }

    /**
     * Prints history and/or follows.
     *
     * @param recentLines when above 0, the history is the last this many lines
     * @param showApp print the app's name on app lines
     */
    int run(
        CommandLine.Model.CommandSpec spec,
        Map<String, String> env,
        Map<String, String> filters,
        boolean history,
        int recentLines,
        boolean follow,
        boolean showApp)
        throws InterruptedException {
      if (since != null && from != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "give --since or --from, not both");
      }
      if (follow && to != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--to and -f do not go together");
      }
      if (!List.of("auto", "always", "never").contains(color)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--color is auto, always or never, not '" + color + "'");
      }
      boolean colour =
          color.equals("always") || (color.equals("auto") && System.console() != null && !json);
      LogLines printer = new LogLines(colour, raw, showApp);
      java.io.PrintWriter out = spec.commandLine().getOut();
      java.io.PrintWriter err = spec.commandLine().getErr();
      QueryClient client = new QueryClient(base(env));
      Map<String, String> params = new LinkedHashMap<>(filters);
      if (grep != null && !grep.isBlank()) {
        params.put("q", grep);
      }
      String tailFrom = null;
      try {
        if (history) {
          tailFrom = history(client, params, recentLines, printer, out);
        }
        if (follow) {
          Thread main = Thread.currentThread();
          Thread hook = new Thread(main::interrupt);
          Runtime.getRuntime().addShutdownHook(hook);
          try {
            client.follow(
                params,
                tailFrom,
                data -> {
                  out.println(line(data, printer));
                  out.flush();
                },
                notice -> {
                  err.println("logpipe: " + notice);
                  err.flush();
                });
          } catch (InterruptedException e) {
            // Ctrl-C
          }
        }
      } catch (QueryClient.ApiException e) {
        err.println("logpipe: " + e.getMessage());
        if (e.body != null && e.body.has("position") && grep != null) {
          err.println("  " + TerminalText.escape(grep));
          err.println("  " + " ".repeat(Math.max(0, e.body.get("position").asInt())) + "^");
        }
        return e.status == 400 ? Main.USAGE : Main.FAILED;
      } catch (QueryClient.UnreachableException e) {
        err.println("logpipe: " + e.getMessage());
        return Main.FAILED;
      } finally {
        out.flush();
      }
      return 0;
    }

    /** Prints the history; returns the tail cursor that continues it. */
    private String history(
        QueryClient client,
        Map<String, String> params,
        int recentLines,
        LogLines printer,
        java.io.PrintWriter out)
        throws InterruptedException {
      Map<String, String> p = new LinkedHashMap<>(params);
      if (since != null) {
        p.put("since", since);
      }
      if (from != null) {
        p.put("from", from);
      }
      if (to != null) {
        p.put("to", to);
      }
      if (recentLines > 0 && since == null && from == null) {
        // The last N lines: newest first from the index, printed oldest first.
        List<String> got = new ArrayList<>();
        String tail = null;
        String cursor = null;
        while (got.size() < recentLines) {
          p.put("limit", Integer.toString(Math.min(1000, recentLines - got.size())));
          if (cursor != null) {
            p.put("cursor", cursor);
          }
          JsonNode page = client.search(p);
          if (tail == null) {
            tail = page.get("tail_cursor").asText();
          }
          page.get("records").forEach(r -> got.add(r.toString()));
          cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
          if (cursor == null) {
            break;
          }
        }
        Collections.reverse(got);
        for (String r : got) {
          out.println(line(r, printer));
        }
        out.flush();
        return tail;
      }
      // A time range: oldest first, page by page, never all at once.
      p.put("order", "oldest");
      p.put("limit", "1000");
      String tail = null;
      String cursor = null;
      do {
        if (cursor != null) {
          p.put("cursor", cursor);
        }
        JsonNode page = client.search(p);
        if (tail == null) {
          tail = page.get("tail_cursor").asText();
        }
        for (JsonNode r : page.get("records")) {
          out.println(line(r.toString(), printer));
        }
        out.flush();
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      } while (cursor != null);
      return tail;
    }

    private String line(String recordJson, LogLines printer) {
      try {
        io.logpipe.core.record.LogRecord r =
            LogRecordJson.decode(recordJson.getBytes(StandardCharsets.UTF_8));
        if (json) {
          // Canonical JSON: every control character escaped, one line, as stored in Kafka.
          return new String(LogRecordJson.encode(r), StandardCharsets.UTF_8);
        }
        return printer.format(r);
      } catch (RecordFormatException e) {
        return "[not a logpipe record: " + e.getMessage() + "] " + TerminalText.escape(recordJson);
      }
    }
  }
}
