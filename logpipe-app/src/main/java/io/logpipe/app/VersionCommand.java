package io.logpipe.app;

import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code logpipe version}. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print logpipe's version and its Kafka and Java versions.")
final class VersionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : lines()) {
      spec.commandLine().getOut().println(line);
    }
    return 0;
  }

  static String[] lines() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "logpipe " + (v == null ? "(development build)" : v),
      "Kafka " + AppInfoParser.getVersion() + ", Java " + System.getProperty("java.version")
    };
  }

  /** For {@code logpipe --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return lines();
    }
  }
}
