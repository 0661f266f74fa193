package io.logpipe.nozzle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OutboxTest {
  /** Capacity only while open; keeps dead letters. */
  static final class GatedPublisher implements RecordPublisher {
    volatile boolean open;
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord record, Delivery callback) {
      throw new UnsupportedOperationException("the outbox sends encoded values");
    }

    @Override
    public CompletableFuture<Void> deadLetter(DeadLetter letter) {
      deadLetters.add(letter);
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

  static Outbox.Encoded value(int i) {
    return new Outbox.Encoded(
        "app".getBytes(StandardCharsets.UTF_8),
        ("{\"message\":\"m" + i + "\"}").getBytes(StandardCharsets.UTF_8),
        0,
        true);
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfWaitingAndDeliversTheRestWhenKafkaTakesThem() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    GatedPublisher p = new GatedPublisher();
    List<byte[]> sent = new CopyOnWriteArrayList<>();
    Outbox o =
        new Outbox(
            100,
            2,
            p,
            (k, v, t, cb) -> {
              sent.add(v);
              cb.done(null);
            },
            (k, v, t, cb) -> cb.done(null),
            new NozzleMetrics(reg, "v2"),
            Duration.ofSeconds(10),
            "nozzle-v2",
            Clock.systemUTC());
    o.start();
    int n = 0;
    for (int i = 0; i < 1000; i++) {
      n += o.offer(value(i)) ? 1 : 0;
    }
    int accepted = n;
    // Each of the two publishing threads holds at most one item while it waits for capacity.
    assertThat(accepted).isBetween(100, 102);
    assertThat(o.dropped()).isEqualTo(1000 - accepted);
    assertThat(NozzleTestBed.count(reg, "logpipe.nozzle.drops", "reason", "queue_full"))
        .isEqualTo(1000 - accepted);
    p.open = true;
    await().until(() -> sent.size() == accepted);
    assertThat(NozzleTestBed.count(reg, "logpipe.nozzle.published")).isEqualTo(accepted);
    o.close(Duration.ofSeconds(1));
  }

  @Test
  void kafkaFailuresAreCountedAndARecordRefusedForGoodIsDeadLettered() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    GatedPublisher p = new GatedPublisher();
    p.open = true;
    Outbox o =
        new Outbox(
            100,
            1,
            p,
            (k, v, t, cb) ->
                cb.done(
                    new PublishException(
                        new String(v, StandardCharsets.UTF_8).contains("m1")
                            ? "RecordTooLargeException"
                            : "TimeoutException",
                        !new String(v, StandardCharsets.UTF_8).contains("m1"),
                        null)),
            (k, v, t, cb) -> cb.done(null),
            new NozzleMetrics(reg, "v2"),
            Duration.ofSeconds(10),
            "nozzle-v2",
            Clock.systemUTC());
    o.start();
    o.offer(value(0));
    o.offer(value(1));
    await().until(() -> p.deadLetters.size() == 1);
    DeadLetter d = p.deadLetters.get(0);
    assertThat(d.source()).isEqualTo("nozzle-v2");
    assertThat(d.reason()).startsWith("RecordTooLargeException");
    assertThat(d.problem().raw()).isEqualTo("{\"message\":\"m1\"}");
    assertThat(d.context()).containsEntry("key", "app");
    assertThat(NozzleTestBed.count(reg, "logpipe.nozzle.drops", "reason", "kafka")).isEqualTo(1);
    o.close(Duration.ofSeconds(1));
  }

  @Test
  void whatIsLeftAtTheEndOfTheGraceIsCountedAsDropped() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    GatedPublisher p = new GatedPublisher();
    List<byte[]> sent = new CopyOnWriteArrayList<>();
    Outbox o =
        new Outbox(
            100,
            2,
            p,
            (k, v, t, cb) -> sent.add(v),
            null,
            new NozzleMetrics(reg, "v2"),
            Duration.ofSeconds(10),
            "nozzle-v2",
            Clock.systemUTC());
    o.start();
    for (int i = 0; i < 50; i++) {
      o.offer(value(i));
    }
    o.close(Duration.ofMillis(200));
    assertThat(NozzleTestBed.count(reg, "logpipe.nozzle.drops", "reason", "shutdown"))
        .isEqualTo(50);
    assertThat(sent).isEmpty();
  }
}
