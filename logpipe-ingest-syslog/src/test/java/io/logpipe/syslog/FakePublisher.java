package io.logpipe.syslog;

import io.logpipe.core.pipeline.PublishException;
import io.logpipe.core.pipeline.RecordPublisher;
import io.logpipe.core.record.DeadLetter;
import io.logpipe.core.record.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A hub for unit tests: keeps what it is given; the test decides outcomes and capacity. */
final class FakePublisher implements RecordPublisher {
  final List<LogRecord> published = new ArrayList<>();
  final List<Delivery> pending = new ArrayList<>();
  final List<DeadLetter> deadLetters = new ArrayList<>();
  final List<Runnable> capacityCallbacks = new ArrayList<>();
  boolean capacity = true;

  /** How many records may be published before capacity runs out; negative for no limit. */
  int capacityFor = -1;

  @Override
  public synchronized void publish(LogRecord record, Delivery callback) {
    published.add(record);
    pending.add(callback);
    if (capacityFor > 0 && --capacityFor == 0) {
      capacity = false;
    }
  }

  synchronized void ackAll() {
    List<Delivery> now = new ArrayList<>(pending);
    pending.clear();
    now.forEach(d -> d.done(null));
  }

  synchronized void failAll(PublishException e) {
    List<Delivery> now = new ArrayList<>(pending);
    pending.clear();
    now.forEach(d -> d.done(e));
  }

  void restoreCapacity() {
    List<Runnable> now;
    synchronized (this) {
      capacity = true;
      capacityFor = -1;
      now = new ArrayList<>(capacityCallbacks);
      capacityCallbacks.clear();
    }
    now.forEach(Runnable::run);
  }

  synchronized List<String> messages() {
    return published.stream().map(LogRecord::message).toList();
  }

  @Override
  public synchronized CompletableFuture<Void> deadLetter(DeadLetter letter) {
    deadLetters.add(letter);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized boolean hasCapacity() {
    return capacity;
  }

  @Override
  public boolean awaitCapacity(Duration timeout) {
    return hasCapacity();
  }

  @Override
  public void onCapacity(Runnable action) {
    synchronized (this) {
      if (!capacity) {
        capacityCallbacks.add(action);
        return;
      }
    }
    action.run();
  }
}
