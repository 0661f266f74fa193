package io.logpipe.app;

import io.logpipe.core.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code logpipe config validate|defaults}. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check a configuration file, or print every setting with its default.",
    subcommands = {ConfigCommand.Validate.class, ConfigCommand.Defaults.class},
    footerHeading = "%nExamples:%n",
    footer = {"  logpipe config defaults > logpipe.yaml", "  logpipe config validate logpipe.yaml"})
final class ConfigCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say `validate FILE` or `defaults`");
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Check a configuration file.",
        "",
        "Reads it as `logpipe up` and `logpipe run` would, environment overrides (LOGPIPE_*)"
            + " included, and lists every problem with its key path; exit code 2 if there is any."
      })
  static final class Validate implements Callable<Integer>, Main.EnvironmentAware {
    @Parameters(paramLabel = "FILE", description = "the YAML file")
    Path file;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    private Map<String, String> env = Map.of();

    @Override
    public void environment(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      try {
        LogpipeConfig c = LogpipeConfig.load(file, env);
        spec.commandLine()
            .getOut()
            .println(
                file
                    + ": OK (Kafka: "
                    + (c.kafka().useEmbedded()
                        ? "embedded broker on " + c.kafka().embedded().listen()
                        : String.join(",", c.kafka().bootstrapServers()))
                    + "; HTTP on "
                    + c.http().listen()
                    + "; syslog "
                    + syslog(c)
                    + "; archive to "
                    + archive(c)
                    + "; nozzle "
                    + (c.nozzle().configured()
                        ? c.nozzle().api().id() + " " + c.nozzle().url()
                        : "off")
                    + "; data in "
                    + c.dataDir()
                    + ")");
        return 0;
      } catch (ConfigException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return Main.USAGE;
      }
    }

    private static String archive(LogpipeConfig c) {
      var a = c.archiveSettings();
      String where =
          a.store().equals("s3")
              ? "s3://" + a.s3().bucket() + (a.prefix().isEmpty() ? "" : "/" + a.prefix())
              : a.directory().toString();
      return where + " (" + String.join(", ", a.topics()) + ")";
    }

    private static String syslog(LogpipeConfig c) {
      List<String> on = new ArrayList<>();
      if (c.syslog().udp().enabled()) {
        on.add("UDP " + c.syslog().udp().listen());
      }
      if (c.syslog().tcp().enabled()) {
        on.add("TCP " + c.syslog().tcp().listen());
      }
      if (c.syslog().tls().enabled()) {
        on.add("TLS " + c.syslog().tls().listen());
      }
      return on.isEmpty() ? "off" : String.join(", ", on);
    }
  }

  @Command(
      name = "defaults",
      mixinStandardHelpOptions = true,
      description = "Print the full default configuration, every key commented.")
  static final class Defaults implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(LogpipeConfig.defaultsText());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
