package io.logpipe.app;

import io.logpipe.core.config.ConfigException;
import io.logpipe.kafka.EmbeddedKafka;
import io.logpipe.kafka.KafkaUnavailableException;
import io.logpipe.kafka.TopicProvisioner;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/logpipe}: the one launcher. Exit codes: 0 success (and after a clean stop on SIGTERM
 * or Ctrl-C), 1 a runtime failure, 2 a usage or configuration error.
 */
@Command(
    name = "logpipe",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    usageHelpAutoWidth = true,
    description = {
      "A Kafka-centred log pipeline: syslog, Cloud Foundry and HTTP logs into Kafka, and from"
          + " there to an archive, a search index and app owners.",
      ""
    },
    subcommands = {
      UpCommand.class,
      RunCommand.class,
      TailCommand.class,
      ArchiveCommand.class,
      LogsCommand.class,
      SearchCommand.class,
      ConfigCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  logpipe up                         all roles, embedded Kafka, data in ./data",
      "  logpipe run -c prod.yaml --roles ingest-http",
      "  logpipe tail app --from-beginning  print app records from Kafka",
      "  logpipe archive cat --since 1h     print archived records",
      "  logpipe logs my-app --recent       an app's last lines from the index (-f: and follow)",
      "  logpipe search 'level:err timeout' --since 2h",
      "  logpipe config defaults            every setting with its default",
      "",
      "Run `logpipe help COMMAND` for a command's options."
    })
public final class Main implements Runnable {
  /** Exit code for a runtime failure. */
  static final int FAILED = 1;

  /** Exit code for a usage or configuration error. */
  static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
  }

  public static void main(String[] args) {
    System.exit(execute(System.getenv(), args));
  }

  /** Runs a command line and returns its exit code (tests call this with their own environment). */
  static int execute(Map<String, String> env, String... args) {
    CommandLine cl = commandLine(env);
    return cl.execute(args);
  }

  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new Main(), new Factory(env));
    cl.setExitCodeExceptionMapper(e -> e instanceof ConfigException ? USAGE : FAILED);
    cl.setParameterExceptionHandler(
        (ex, argv) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("logpipe: " + ex.getMessage());
          err.println("Try `logpipe " + commandPath(ex.getCommandLine()) + " --help`.");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (ex instanceof ConfigException) {
            err.println("logpipe: " + ex.getMessage());
            return USAGE;
          }
          if (ex instanceof EmbeddedKafka.KafkaStartException
              || ex instanceof TopicProvisioner.TopicMismatchException
              || ex instanceof KafkaUnavailableException
              || ex instanceof IllegalStateException) {
            err.println("logpipe: cannot start: " + ex.getMessage());
            return FAILED;
          }
          err.println("logpipe: " + ex);
          ex.printStackTrace(err);
          return FAILED;
        });
    return cl;
  }

  private static String commandPath(CommandLine cl) {
    String name = cl.getCommandSpec().qualifiedName();
    return name.startsWith("logpipe ") ? name.substring("logpipe ".length()) : "";
  }

  /** Gives commands the environment, so that tests can pass their own. */
  static final class Factory implements CommandLine.IFactory {
    private final Map<String, String> env;

    Factory(Map<String, String> env) {
      this.env = Map.copyOf(env);
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (EnvironmentAware.class.isAssignableFrom(cls)) {
        K k = CommandLine.defaultFactory().create(cls);
        ((EnvironmentAware) k).environment(env);
        return k;
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  /** A command that reads the environment (for configuration overrides). */
  interface EnvironmentAware {
    void environment(Map<String, String> env);
  }
}
