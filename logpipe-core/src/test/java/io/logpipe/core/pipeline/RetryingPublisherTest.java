package io.logpipe.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingPublisherTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  static final PublishException DOWN = new PublishException("broker down", true, null);
  static final PublishException TOO_LARGE = new PublishException("too large", false, null);

  final FakePublisher hub = new FakePublisher();
  final ManualScheduler scheduler = new ManualScheduler();
  final RetryingPublisher publisher =
      new RetryingPublisher(
          hub,
          scheduler,
          CLOCK,
          new RetryingPublisher.Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2),
          "syslog-tcp",
          () -> 0.5);
  final List<PublishException> outcomes = new ArrayList<>();

  static LogRecord record(String message) {
    return LogRecord.component()
        .time(CLOCK.instant())
        .observedTime(CLOCK.instant())
        .host("host1")
        .program("app")
        .message(message)
        .build();
  }

  void publish(String message) {
    publisher.publish(record(message), outcomes::add);
  }

  @Test
  void aDeliveredRecordIsReportedOnceWithoutRetry() {
    publish("a");
    hub.ackAll();
    assertThat(outcomes).containsExactly((PublishException) null);
    assertThat(publisher.retried()).isZero();
    assertThat(scheduler.tasks).isEmpty();
  }

  @Test
  void aRetriableFailureIsRetriedWithGrowingBackoffUntilDelivered() {
    publish("a");
    hub.failAll(DOWN);
    assertThat(outcomes).isEmpty();
    assertThat(publisher.waiting()).isEqualTo(1);
    assertThat(scheduler.delays).containsExactly(Duration.ofMillis(90));

    scheduler.runAll();
    assertThat(publisher.waiting()).isZero();
    assertThat(hub.pending).hasSize(1);
    hub.failAll(DOWN);
    scheduler.runAll();
    hub.failAll(DOWN);
    scheduler.runAll();
    assertThat(scheduler.delays)
        .containsExactly(Duration.ofMillis(90), Duration.ofMillis(180), Duration.ofMillis(360));

    hub.ackAll();
    assertThat(outcomes).containsExactly((PublishException) null);
    assertThat(publisher.retried()).isEqualTo(3);
    assertThat(publisher.recovered()).isEqualTo(1);
    assertThat(hub.published).hasSize(4).allMatch(r -> r.message().equals("a"));
  }

  @Test
  void backoffDoublesUpToTheMaximumWithJitterTakenOff() {
    RetryingPublisher.Backoff b =
        new RetryingPublisher.Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2);
    assertThat(b.delay(1, 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(2, 0)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.delay(9, 0)).isEqualTo(Duration.ofMillis(25_600));
    assertThat(b.delay(10, 0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.delay(1_000_000, 0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.delay(1, 0.999999)).isGreaterThan(Duration.ofMillis(80));
    assertThat(b.delay(10, 1)).isEqualTo(Duration.ofSeconds(24));
    assertThatThrownBy(
            () -> new RetryingPublisher.Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
        .hasMessageContaining("shorter than the initial backoff");
  }

  @Test
  void thereIsNoCapacityWhileARecordWaitsForItsRetry() {
    AtomicInteger resumed = new AtomicInteger();
    publish("a");
    hub.failAll(DOWN);
    assertThat(publisher.hasCapacity()).isFalse();
    publisher.onCapacity(resumed::incrementAndGet);
    assertThat(resumed).hasValue(0);

    // The retry hands the record back to the hub, which is full: still no capacity.
    hub.full = true;
    scheduler.runAll();
    assertThat(publisher.hasCapacity()).isFalse();
    assertThat(resumed).hasValue(0);

    hub.full = false;
    hub.fireCapacity();
    assertThat(publisher.hasCapacity()).isTrue();
    assertThat(resumed).hasValue(1);
  }

  @Test
  void capacityCallbacksRunAtOnceWhenThereIsCapacity() {
    AtomicInteger resumed = new AtomicInteger();
    publisher.onCapacity(resumed::incrementAndGet);
    assertThat(resumed).hasValue(1);
  }

  @Test
  void aRecordRefusedForGoodIsDeadLetteredAndReported() {
    publish("x".repeat(RetryingPublisher.DEAD_LETTER_RAW_LIMIT + 10));
    hub.failAll(TOO_LARGE);
    assertThat(outcomes).containsExactly(TOO_LARGE);
    // Written on the scheduler, not on the hub's callback thread; never retried.
    assertThat(scheduler.delays).containsExactly(Duration.ZERO);
    assertThat(hub.deadLetters).isEmpty();
    scheduler.runAll();
    assertThat(hub.pending).isEmpty();
    assertThat(hub.deadLetters).hasSize(1);
    DeadLetter d = hub.deadLetters.get(0);
    assertThat(d.source()).isEqualTo("syslog-tcp");
    assertThat(d.reason())
        .startsWith("the hub refused the record for good: too large")
        .endsWith("raw holds the first 16384 of 16394 characters");
    assertThat(d.problem().raw()).hasSize(RetryingPublisher.DEAD_LETTER_RAW_LIMIT);
    assertThat(d.context()).containsEntry("key", "host1").containsEntry("program", "app");
    assertThat(publisher.deadLettered()).isEqualTo(1);
  }

  @Test
  void closingFailsWaitingRecordsAndStopsRetrying() {
    publish("a");
    publish("b");
    hub.failAll(DOWN);
    assertThat(publisher.waiting()).isEqualTo(2);
    publisher.close();
    assertThat(outcomes).hasSize(2).allSatisfy(e -> assertThat(e.retriable()).isTrue());
    assertThat(outcomes.get(0)).hasMessageContaining("stopped while the record waited");
    assertThat(publisher.abandoned()).isEqualTo(2);
    assertThat(publisher.waiting()).isZero();
    scheduler.runAll();
    assertThat(hub.pending).isEmpty();

    // A record in the hub's hands when we closed is not retried when it fails later.
    publish("c");
    hub.failAll(DOWN);
    assertThat(outcomes).hasSize(3);
    assertThat(scheduler.tasks).isEmpty();
  }

  @Test
  void aShutDownSchedulerAbandonsTheRecordInsteadOfLosingIt() {
    scheduler.rejecting = true;
    publish("a");
    hub.failAll(DOWN);
    assertThat(outcomes).hasSize(1);
    assertThat(publisher.abandoned()).isEqualTo(1);
    assertThat(publisher.hasCapacity()).isTrue();
  }

  @Test
  void withoutRetriesRetriableFailuresGoToTheCallerAndRefusedRecordsToTheDeadLetterTopic() {
    RetryingPublisher udp = RetryingPublisher.withoutRetries(hub, scheduler, CLOCK, "syslog-udp");
    udp.publish(record("a"), outcomes::add);
    udp.publish(record("b"), outcomes::add);
    hub.fail(0, DOWN);
    hub.fail(0, TOO_LARGE);
    assertThat(outcomes).containsExactly(DOWN, TOO_LARGE);
    scheduler.runAll();
    assertThat(hub.deadLetters).hasSize(1);
    assertThat(udp.retried()).isZero();
  }

  @Test
  void retriesOnARealSchedulerDeliverEveryRecordOnce() throws Exception {
    ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor();
    FlakyPublisher flaky = new FlakyPublisher(3);
    ConcurrentLinkedQueue<PublishException> done = new ConcurrentLinkedQueue<>();
    try (RetryingPublisher p =
        new RetryingPublisher(
            flaky,
            (task, delay) -> ses.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS),
            CLOCK,
            new RetryingPublisher.Backoff(Duration.ofMillis(1), Duration.ofMillis(5), 0.5),
            "t")) {
      for (int i = 0; i < 200; i++) {
        p.publish(
            record("m" + i), e -> done.add(e == null ? new PublishException("ok", true, null) : e));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 200);
      assertThat(done).allMatch(e -> e.getMessage().equals("ok"));
      assertThat(flaky.delivered).hasSize(200);
      assertThat(p.retried()).isEqualTo(600);
    } finally {
      ses.shutdownNow();
    }
  }

  /** A hub whose outcomes the test decides. */
  static final class FakePublisher implements RecordPublisher {
    final List<LogRecord> published = new ArrayList<>();
    final List<Delivery> pending = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final List<Runnable> capacityCallbacks = new ArrayList<>();
    boolean full;

    @Override
    public void publish(LogRecord record, Delivery callback) {
      published.add(record);
      pending.add(callback);
    }

    void ackAll() {
      List<Delivery> now = new ArrayList<>(pending);
      pending.clear();
      now.forEach(d -> d.done(null));
    }

    void failAll(PublishException e) {
      List<Delivery> now = new ArrayList<>(pending);
      pending.clear();
      now.forEach(d -> d.done(e));
    }

    void fail(int index, PublishException e) {
      pending.remove(index).done(e);
    }

    void fireCapacity() {
      List<Runnable> now = new ArrayList<>(capacityCallbacks);
      capacityCallbacks.clear();
      now.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<Void> deadLetter(DeadLetter letter) {
      deadLetters.add(letter);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean hasCapacity() {
      return !full;
    }

    @Override
    public boolean awaitCapacity(Duration timeout) {
      return !full;
    }

    @Override
    public void onCapacity(Runnable action) {
      if (full) {
        capacityCallbacks.add(action);
      } else {
        action.run();
      }
    }
  }

  /** Fails each record's first {@code failures} tries, from any thread. */
  static final class FlakyPublisher implements RecordPublisher {
    final int failures;
    final java.util.Map<LogRecord, Integer> tries = new java.util.concurrent.ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<LogRecord> delivered = new ConcurrentLinkedQueue<>();

    FlakyPublisher(int failures) {
      this.failures = failures;
    }

    @Override
    public void publish(LogRecord record, Delivery callback) {
      int n = tries.merge(record, 1, Integer::sum);
      if (n <= failures) {
        callback.done(DOWN);
      } else {
        delivered.add(record);
        callback.done(null);
      }
    }

    @Override
    public CompletableFuture<Void> deadLetter(DeadLetter letter) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean hasCapacity() {
      return true;
    }

    @Override
    public boolean awaitCapacity(Duration timeout) {
      return true;
    }

    @Override
    public void onCapacity(Runnable action) {
      action.run();
    }
  }

  /** Runs scheduled tasks when the test says so. */
  static final class ManualScheduler implements RetryingPublisher.Scheduler {
    final List<Runnable> tasks = new ArrayList<>();
    final List<Duration> delays = new ArrayList<>();
    boolean rejecting;

    @Override
    public void schedule(Runnable task, Duration delay) {
      if (rejecting) {
        throw new RejectedExecutionException("shut down");
      }
      tasks.add(task);
      delays.add(delay);
    }

    void runAll() {
      List<Runnable> now = new ArrayList<>(tasks);
      tasks.clear();
      now.forEach(Runnable::run);
    }
  }
}
