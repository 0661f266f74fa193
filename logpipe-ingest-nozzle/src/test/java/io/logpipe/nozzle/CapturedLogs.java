package io.logpipe.nozzle;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The log lines written while it is open, as an operator reads them: {@code LEVEL logger -
 * message}. Tests assert what the log says (and how often), not only what the metrics count.
 */
final class CapturedLogs implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final LoggerConfig root = context.getConfiguration().getRootLogger();
  private final AbstractAppender appender;

  CapturedLogs() {
    appender =
        new AbstractAppender(
            "captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent e) {
            String logger = e.getLoggerName();
            lines.add(
                e.getLevel()
                    + " "
                    + logger.substring(logger.lastIndexOf('.') + 1)
                    + " - "
                    + e.getMessage().getFormattedMessage());
          }
        };
    appender.start();
    root.addAppender(appender, Level.INFO, null);
    context.updateLoggers();
  }

  /** The lines so far that {@code which} accepts. */
  List<String> lines(Predicate<String> which) {
    return lines.stream().filter(which).toList();
  }

  @Override
  public void close() {
    root.removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
