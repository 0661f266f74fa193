package io.logpipe.app;

import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.RecordFormatException;
import io.logpipe.core.text.TerminalText;
import io.logpipe.kafka.KafkaClients;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logpipe tail}: prints a topic's records for operators. Reads every partition without a
 * consumer group, so it never disturbs the sinks' positions.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Print records from a Kafka topic, one line each.",
      "",
      "TOPIC is app, component or dlq (the configured topics) or any topic name. Control"
          + " characters in records are escaped. Reads without a consumer group: it never moves"
          + " another consumer's position."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  logpipe tail app                         follow new app records",
      "  logpipe tail component --from-beginning  everything kept, then follow",
      "  logpipe tail dlq --from-beginning -e     rejected input, then exit",
      "  logpipe tail logs.app --json | jq .message",
      "  logpipe tail app -b kafka-1:9092"
    })
final class TailCommand implements Callable<Integer>, Main.EnvironmentAware {
  @Parameters(paramLabel = "TOPIC", description = "app, component, dlq, or a topic name")
  String topic;

  @Option(names = "--from-beginning", description = "start at the oldest record kept")
  boolean fromBeginning;

  @Option(
      names = {"-e", "--exit-at-end"},
      description = "exit once the records present at start are printed")
  boolean exitAtEnd;

  @Option(
      names = {"-n", "--max"},
      paramLabel = "N",
      description = "exit after N records")
  long max = Long.MAX_VALUE;

  @Option(names = "--json", description = "print each record's JSON as stored in Kafka")
  boolean json;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      paramLabel = "HOST:PORT",
      description =
          "Kafka to read (default: kafka.bootstrap_servers, else the embedded broker's address)")
  String bootstrap;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "configuration to take topic names and Kafka from")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  private Map<String, String> env = Map.of();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    LogpipeConfig c =
        LogpipeConfig.load(config != null ? config : UpCommand.configFromEnv(env), env);
    String servers =
        bootstrap != null
            ? bootstrap
            : c.kafka().useEmbedded()
                ? c.kafka().embedded().listen().toString()
                : String.join(",", c.kafka().bootstrapServers());
    String name =
        switch (topic) {
          case "app" -> c.kafka().topics().app().name();
          case "component" -> c.kafka().topics().component().name();
          case "dlq" -> c.kafka().topics().dlq().name();
          default -> topic;
        };
    boolean dlq = name.equals(c.kafka().topics().dlq().name());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, Object> props = KafkaClients.consumer(c.kafka(), servers, "logpipe-tail", null);
    props.put("default.api.timeout.ms", 15_000);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<PartitionInfo> infos = consumer.partitionsFor(name, Duration.ofSeconds(15));
      if (infos == null || infos.isEmpty()) {
        err.println("logpipe: topic " + name + " does not exist on " + servers);
        return Main.FAILED;
      }
      List<TopicPartition> parts = new ArrayList<>();
      infos.forEach(p -> parts.add(new TopicPartition(name, p.partition())));
      consumer.assign(parts);
      if (fromBeginning) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
      }
      Map<TopicPartition, Long> end = exitAtEnd ? consumer.endOffsets(parts) : Map.of();
      AtomicBoolean stop = new AtomicBoolean();
      Thread main = Thread.currentThread();
      Thread hook =
          new Thread(
              () -> {
                stop.set(true);
                consumer.wakeup();
                try {
                  main.join(5_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      long printed = 0;
      try {
        while (!stop.get() && printed < max) {
          if (exitAtEnd && parts.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
            break;
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            out.println(line(r, dlq));
            if (++printed >= max) {
              break;
            }
          }
          out.flush();
        }
      } catch (WakeupException e) {
        // Ctrl-C: stop quietly.
      } finally {
        out.flush();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // Already shutting down.
        }
      }
    }
    return 0;
  }

  private String line(ConsumerRecord<byte[], byte[]> r, boolean dlq) {
    String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
    if (json || dlq) {
      // JSON escapes every control character, so stored JSON is safe to print as is.
      return value;
    }
    try {
      return RecordPrinter.format(LogRecordJson.decode(r.value()));
    } catch (RecordFormatException e) {
      return "[partition "
          + r.partition()
          + " offset "
          + r.offset()
          + ": not a logpipe record ("
          + e.getMessage()
          + ")] "
          + TerminalText.escape(value);
    }
  }
}
