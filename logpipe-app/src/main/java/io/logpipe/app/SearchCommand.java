package io.logpipe.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code logpipe search QUERY}: any records in the index, app and component logs alike. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Search every record in the index, app and platform component logs alike.",
      "",
      "QUERY: words (all must match), \"phrases\", AND, OR, NOT (or -word), parentheses and"
          + " field:value with fields app, org, space, host, program, source_type, instance,"
          + " stream, severity (or level), kind, datacenter, message (docs/search.md). Without"
          + " --since or --from, prints the newest matches (--lines), oldest first."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  logpipe search NullPointerException --since 1d",
      "  logpipe search 'host:router-1 level:err'",
      "  logpipe search '\"connection refused\" -app:legacy' -f",
      "  logpipe search 'program:rep OR program:garden' --from 2h --json"
    })
final class SearchCommand implements Callable<Integer>, Main.EnvironmentAware {
  @Parameters(paramLabel = "QUERY", arity = "0..*", description = "the query; words are joined")
  List<String> query = List.of();

  @CommandLine.Mixin LogsCommand.QueryOptions options = new LogsCommand.QueryOptions();

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      description =
          "how many of the newest matches to print without --since/--from (default: ${DEFAULT-VALUE})")
  int lines = 100;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  private Map<String, String> env = Map.of();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    String q = String.join(" ", query);
    if (options.grep != null) {
      q = q.isBlank() ? options.grep : "(" + q + ") (" + options.grep + ")";
    }
    options.grep = q;
    boolean history = !options.follow || options.since != null || options.from != null;
    return options.run(
        spec,
        env,
        new LinkedHashMap<>(),
        history,
        history && options.since == null && options.from == null ? lines : 0,
        options.follow,
        true);
  }
}
