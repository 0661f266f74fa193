package io.logpipe.core.pipeline;

import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.ParseProblem;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * A {@link RecordPublisher} for sources that cannot tell their sender about a failure (syslog over
 * TCP has no acknowledgements): it does not give up on a record that the hub failed to acknowledge
 * for a reason that may pass (the hub was down for longer than the delivery timeout), but publishes
 * it again after an exponential backoff with jitter, until it is delivered or this publisher is
 * closed. A record the hub refused for good (too large, invalid) is written to the dead-letter
 * topic with the reason instead, and its caller is told.
 *
 * <p>Backpressure: a record waiting for its retry holds memory but is no longer counted by the
 * wrapped publisher, so {@link #hasCapacity()} is false while any record waits; a source that stops
 * reading while there is no capacity thus keeps its memory bounded through an outage of any length.
 *
 * <p>Ordering: a retried record reaches the hub after records published while it waited, so records
 * of one source may be reordered around an outage (their event times are unchanged).
 *
 * <p>Lifecycle:
 *
 * <ol>
 *   <li>Construct around the publisher that talks to the hub, with a scheduler for the retries.
 *   <li>{@link #publish} from any thread. Each callback is called exactly once: with null when the
 *       hub acknowledged the record (after any number of retries); with the error when the hub
 *       refused it for good (it was then dead-lettered) or when this publisher was closed while the
 *       record waited.
 *   <li>{@link #close()}: no more retries; records waiting for one are failed to their callers at
 *       once (and counted in {@link #abandoned()}). Records already handed to the wrapped publisher
 *       complete as it decides; if they fail after close they are not retried. Closing does not
 *       close the wrapped publisher.
 * </ol>
 *
 * <p>Threading: thread-safe. Callbacks run on the wrapped publisher's thread or on the scheduler's.
 */
public final class RetryingPublisher implements RecordPublisher, AutoCloseable {

  /** Longest part of a refused record kept in its dead letter. */
  static final int DEAD_LETTER_RAW_LIMIT = 16 * 1024;

  /** Runs a retry after a delay. {@code ScheduledExecutorService::schedule} fits. */
  @FunctionalInterface
  public interface Scheduler {
    /**
     * Runs {@code task} once, after {@code delay}; may throw {@link
     * java.util.concurrent.RejectedExecutionException} when shut down.
     */
    void schedule(Runnable task, Duration delay);
  }

  /**
   * How long to wait before retry number {@code n} (from 1): {@code initial * 2^(n-1)}, at most
   * {@code max}, minus a random part of up to {@code jitter} of it, so that many records failed at
   * once do not come back at once.
   *
   * @param initial the first delay; positive
   * @param max the longest delay; at least {@code initial}
   * @param jitter the random fraction taken off each delay, 0 to 1
   */
  public record Backoff(Duration initial, Duration max, double jitter) {
    public Backoff {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("initial backoff must be positive, not " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "max backoff " + max + " is shorter than the initial backoff " + initial);
      }
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1, not " + jitter);
      }
    }

    /** 100 ms, doubling up to 30 s, with 20% jitter. */
    public static Backoff defaults() {
      return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2);
    }

    /**
     * The delay before retry {@code attempt}.
     *
     * @param attempt 1 for the first retry
     * @param random a value in [0, 1) that picks the jitter
     */
    public Duration delay(int attempt, double random) {
      long initialNanos = initial.toNanos();
      long maxNanos = max.toNanos();
      int shift = Math.max(0, Math.min(attempt - 1, 62));
      long nanos =
          initialNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, initialNanos << shift);
      long off = (long) (nanos * jitter * Math.max(0, Math.min(random, 1)));
      return Duration.ofNanos(Math.max(1, nanos - off));
    }
  }

  private final RecordPublisher inner;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Backoff backoff;
  private final String source;
  private final DoubleSupplier random;
  private final boolean retries;

  private final Set<Attempt> waitingSet = ConcurrentHashMap.newKeySet();
  private final AtomicInteger waiting = new AtomicInteger();
  private final Queue<Runnable> capacityCallbacks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean innerCallbackRegistered = new AtomicBoolean();
  private volatile boolean closed;

  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong recovered = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong deadLetterFailures = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();

  /**
   * A publisher that retries.
   *
   * @param inner the publisher that talks to the hub
   * @param scheduler runs retries after their backoff, and writes dead letters
   * @param clock dates dead letters
   * @param backoff the delays between retries
   * @param source names the ingest path in dead letters, such as {@code syslog-tcp}
   */
  public RetryingPublisher(
      RecordPublisher inner, Scheduler scheduler, Clock clock, Backoff backoff, String source) {
    this(inner, scheduler, clock, backoff, source, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** As the public constructor, with the source of randomness for the jitter (for tests). */
  RetryingPublisher(
      RecordPublisher inner,
      Scheduler scheduler,
      Clock clock,
      Backoff backoff,
      String source,
      DoubleSupplier random) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backoff = backoff;
    this.source = Objects.requireNonNull(source, "source");
    this.random = Objects.requireNonNull(random, "random");
    this.retries = backoff != null;
  }

  /**
   * A publisher that does not retry (for UDP, whose loss is counted rather than avoided) but still
   * dead-letters records the hub refused for good: a failure the hub may recover from is passed to
   * the caller as it is.
   *
   * @param scheduler writes dead letters (never on the wrapped publisher's callback thread)
   */
  public static RetryingPublisher withoutRetries(
      RecordPublisher inner, Scheduler scheduler, Clock clock, String source) {
    return new RetryingPublisher(inner, scheduler, clock, null, source, () -> 0);
  }

  @Override
  public void publish(LogRecord record, Delivery callback) {
    Objects.requireNonNull(callback, "callback");
    inner.publish(record, new Attempt(record, callback));
  }

  @Override
  public CompletableFuture<Void> deadLetter(DeadLetter letter) {
    return inner.deadLetter(letter);
  }

  /** True while no record waits for a retry and the wrapped publisher has capacity. */
  @Override
  public boolean hasCapacity() {
    return waiting.get() == 0 && inner.hasCapacity();
  }

  @Override
  public boolean awaitCapacity(Duration timeout) throws InterruptedException {
    if (hasCapacity()) {
      return true;
    }
    CountDownLatch latch = new CountDownLatch(1);
    onCapacity(latch::countDown);
    return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void onCapacity(Runnable action) {
    capacityCallbacks.add(Objects.requireNonNull(action, "action"));
    runCapacityCallbacks();
  }

  /** Runs waiting capacity callbacks if there is capacity, else arranges to be called again. */
  private void runCapacityCallbacks() {
    if (capacityCallbacks.isEmpty() || waiting.get() > 0) {
      return; // called again when the last waiting record is published again
    }
    if (!inner.hasCapacity()) {
      if (innerCallbackRegistered.compareAndSet(false, true)) {
        inner.onCapacity(
            () -> {
              innerCallbackRegistered.set(false);
              runCapacityCallbacks();
            });
      }
      return;
    }
    Runnable r;
    while (waiting.get() == 0 && inner.hasCapacity() && (r = capacityCallbacks.poll()) != null) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // A broken callback must not stop the others; there is no logger in core.
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
    if (!capacityCallbacks.isEmpty() && waiting.get() == 0 && !inner.hasCapacity()) {
      runCapacityCallbacks(); // capacity ran out while callbacks ran: wait for the next
    }
  }

  /** Records waiting for a retry now. */
  public int waiting() {
    return waiting.get();
  }

  /** Retries scheduled so far (a record retried three times counts three). */
  public long retried() {
    return retried.get();
  }

  /** Records delivered after at least one retry. */
  public long recovered() {
    return recovered.get();
  }

  /** Records the hub refused for good that were written to the dead-letter topic. */
  public long deadLettered() {
    return deadLettered.get();
  }

  /** Records the hub refused for good whose dead letter could not be written either. */
  public long deadLetterFailures() {
    return deadLetterFailures.get();
  }

  /** Records that were waiting for a retry when this publisher was closed. */
  public long abandoned() {
    return abandoned.get();
  }

  /** Stops retrying; see the class documentation. */
  @Override
  public void close() {
    closed = true;
    for (Attempt a : waitingSet) {
      a.abandon();
    }
  }

  private void deadLetter(LogRecord record, PublishException error) {
    String text =
        record.problem() != null && record.problem().raw() != null
            ? record.problem().raw()
            : record.message();
    String reason = "the hub refused the record for good: " + error.getMessage();
    if (text.length() > DEAD_LETTER_RAW_LIMIT) {
      int end = DEAD_LETTER_RAW_LIMIT;
      if (Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      reason += "; raw holds the first " + end + " of " + text.length() + " characters";
      text = text.substring(0, end);
    }
    Map<String, String> context = new LinkedHashMap<>();
    if (record.kafkaKey() != null) {
      context.put("key", record.kafkaKey());
    }
    if (record.program() != null) {
      context.put("program", record.program());
    }
    context.put("kind", record.kind().json());
    DeadLetter letter =
        new DeadLetter(clock.instant(), source, ParseProblem.ofText(reason, text), context);
    CompletableFuture<Void> written;
    try {
      written = inner.deadLetter(letter);
    } catch (RuntimeException e) {
      deadLetterFailures.incrementAndGet();
      return;
    }
    written.whenComplete(
        (ok, e) -> {
          if (e == null) {
            deadLettered.incrementAndGet();
          } else {
            deadLetterFailures.incrementAndGet();
          }
        });
  }

  /** One record on its way: the callback of each try, and the retry itself. */
  private final class Attempt implements Delivery, Runnable {
    final LogRecord record;
    final Delivery callback;
    int attempts;
    PublishException lastError;

    Attempt(LogRecord record, Delivery callback) {
      this.record = record;
      this.callback = callback;
    }

    @Override
    public void done(PublishException error) {
      if (error == null) {
        if (attempts > 0) {
          recovered.incrementAndGet();
        }
        callback.done(null);
        return;
      }
      if (!error.retriable()) {
        // Not on this thread: it is the hub client's I/O thread, and writing the dead letter may
        // have to wait for it (topic metadata).
        try {
          scheduler.schedule(() -> deadLetter(record, error), Duration.ZERO);
        } catch (RuntimeException e) {
          deadLetterFailures.incrementAndGet(); // stopping
        }
        callback.done(error);
        return;
      }
      if (!retries || closed) {
        callback.done(error);
        return;
      }
      attempts++;
      lastError = error;
      retried.incrementAndGet();
      waiting.incrementAndGet();
      waitingSet.add(this);
      if (closed) {
        abandon(); // close() ran while this record was being added
        return;
      }
      try {
        scheduler.schedule(this, backoff.delay(attempts, random.getAsDouble()));
      } catch (RuntimeException e) {
        abandon(); // the scheduler is shut down: we are stopping
      }
    }

    /** The retry. */
    @Override
    public void run() {
      if (!waitingSet.remove(this)) {
        return; // abandoned by close()
      }
      try {
        inner.publish(record, this);
      } finally {
        waiting.decrementAndGet();
        runCapacityCallbacks();
      }
    }

    void abandon() {
      if (waitingSet.remove(this)) {
        waiting.decrementAndGet();
        abandoned.incrementAndGet();
        callback.done(
            new PublishException(
                "not delivered: stopped while the record waited for its retry "
                    + attempts
                    + " (last error: "
                    + lastError.getMessage()
                    + ")",
                true,
                lastError));
      }
    }
  }
}
