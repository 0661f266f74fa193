package io.logpipe.app;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a node until the process is told to stop (SIGTERM, SIGINT), then stops it cleanly. */
final class ServeSupport {
  private static final Logger log = LoggerFactory.getLogger(ServeSupport.class);

  private ServeSupport() {}

  /**
   * Starts the node and blocks. On SIGTERM or Ctrl-C: stop intake, flush, close, exit 0 (1 if the
   * stop itself failed). Never returns normally.
   */
  static int serve(LogpipeConfig config, Set<Role> roles) throws InterruptedException {
    LogpipeNode node = LogpipeNode.start(config, roles);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  int code = 0;
                  log.info(
                      "stopping: no new input; finishing work in progress (up to {})",
                      config.shutdownGrace());
                  try {
                    node.close();
                    log.info("stopped cleanly");
                  } catch (RuntimeException e) {
                    log.error("error while stopping", e);
                    code = Main.FAILED;
                  }
                  LogManager.shutdown();
                  // A JVM stopped by a signal exits with 128+signal; a clean stop is a success.
                  Runtime.getRuntime().halt(code);
                },
                "logpipe-shutdown"));
    new CountDownLatch(1).await();
    return 0;
  }
}
