package io.logpipe.nozzle;

import io.logpipe.core.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a {@link NozzleTestBed} shared by the tests of a class: one broker for the class, the
 * nozzles of each test closed after it.
 */
abstract class WithNozzleBed {
  @TempDir static Path dir;
  static NozzleTestBed bed;

  @BeforeAll
  static void startBed() throws Exception {
    bed = new NozzleTestBed(dir);
  }

  @AfterEach
  void closeNozzles() {
    bed.closeNozzles();
  }

  @AfterAll
  static void stopBed() {
    if (bed != null) {
      bed.close();
    }
  }

  /** The value of the first record in {@code topic} with this key, as text. */
  static String valueWithKey(String topic, String key) {
    return bed.topic(topic).stream()
        .filter(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key))
        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .findFirst()
        .orElseThrow();
  }

  /** The app records in Kafka of one app. */
  static List<LogRecord> recordsOf(String app) {
    return bed.appRecords().stream().filter(r -> app.equals(r.appId())).toList();
  }
}
