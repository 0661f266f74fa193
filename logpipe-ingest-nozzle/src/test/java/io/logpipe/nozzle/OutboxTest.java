package io.logpipe.nozzle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OutboxTest {
  /** A publisher that takes records only while open. */
  static final class GatedPublisher implements RecordPublisher {
    volatile boolean open;
    final List<LogRecord> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord record, Delivery callback) {
      published.add(record);
      callback.done(null);
    }

    @Override
    public CompletableFuture<Void> deadLetter(DeadLetter letter) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean hasCapacity() {
      return open;
    }

    @Override
    public boolean awaitCapacity(Duration timeout) throws InterruptedException {
      Thread.sleep(Math.min(10, timeout.toMillis()));
      return open;
    }

    @Override
    public void onCapacity(Runnable action) {}
  }

  static LogRecord record(int i) {
    return LogRecord.app().times(Instant.EPOCH).appId("a").message("m" + i).build();
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfWaitingAndDeliversTheRestWhenKafkaTakesThem() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    NozzleMetrics metrics = new NozzleMetrics(reg, "v2");
    GatedPublisher p = new GatedPublisher();
    Outbox o =
        new Outbox(
            100,
            p,
            (k, v, t, cb) -> cb.done(new PublishException("x", false, null)),
            metrics,
            Duration.ofSeconds(10));
    o.start();
    int n = 0;
    for (int i = 0; i < 1000; i++) {
      n += o.offer(record(i)) ? 1 : 0;
    }
    int accepted = n;
    // The publishing thread holds at most one item while it waits for capacity.
    assertThat(accepted).isBetween(100, 101);
    assertThat(o.dropped()).isEqualTo(1000 - accepted);
    assertThat(NozzleTestBed.count(reg, "logpipe.nozzle.drops", "reason", "queue_full"))
        .isEqualTo(1000 - accepted);
    p.open = true;
    await().until(() -> p.published.size() == accepted);
    o.close(Duration.ofSeconds(1));
  }

  @Test
  void whatIsLeftAtTheEndOfTheGraceIsCountedAsDropped() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    GatedPublisher p = new GatedPublisher();
    Outbox o = new Outbox(100, p, null, new NozzleMetrics(reg, "v2"), Duration.ofSeconds(10));
    o.start();
    for (int i = 0; i < 50; i++) {
      o.offer(record(i));
    }
    o.close(Duration.ofMillis(200));
    assertThat(NozzleTestBed.count(reg, "logpipe.nozzle.drops", "reason", "shutdown"))
        .isEqualTo(50);
    assertThat(p.published).isEmpty();
  }
}
