package io.logpipe.nozzle.fake;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * How loggregator shares a stream: subscribers with the same shard (subscription) id form a group;
 * each envelope goes to one randomly chosen member of every group, so equal ids split the stream
 * and different ids each get all of it.
 */
final class ShardGroups<S> {
  private final Map<String, List<S>> groups = new ConcurrentHashMap<>();

  void add(String shard, S s) {
    groups.computeIfAbsent(shard, k -> new CopyOnWriteArrayList<>()).add(s);
  }

  void remove(String shard, S s) {
    List<S> g = groups.get(shard);
    if (g != null) {
      g.remove(s);
    }
  }

  /** One member of each group that accepts, chosen at random. */
  void forEachChosen(Predicate<S> accepts, java.util.function.Consumer<S> action) {
    for (List<S> g : groups.values()) {
      List<S> ok = g.stream().filter(accepts).toList();
      if (!ok.isEmpty()) {
        action.accept(ok.get(ThreadLocalRandom.current().nextInt(ok.size())));
      }
    }
  }

  List<S> all() {
    return groups.values().stream().flatMap(List::stream).toList();
  }

  int size(String shard) {
    List<S> g = groups.get(shard);
    return g == null ? 0 : g.size();
  }
}
