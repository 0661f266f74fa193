package io.logpipe.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.archive.store.FilesystemObjectStore;
import io.logpipe.archive.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkerChainTest {
  static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qk";
  static final String TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAQ";
  final ArchiveKeys keys = new ArchiveKeys("");
  final String dir = keys.markerDir("t", CLUSTER, TOPIC_ID, 0);

  @TempDir Path tmp;

  /** Counts the objects read, to see how much of the history a load reads. */
  static final class CountingStore implements ObjectStore {
    final FilesystemObjectStore fs;
    final AtomicInteger gets = new AtomicInteger();

    CountingStore(Path root) throws IOException {
      fs = new FilesystemObjectStore(root);
    }

    @Override
    public InputStream get(String key) throws IOException {
      gets.incrementAndGet();
      return fs.get(key);
    }

    @Override
    public void put(String key, Path file) throws IOException {
      fs.put(key, file);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
      return fs.putIfAbsent(key, content);
    }

    @Override
    public boolean conditionalWrites() {
      return true;
    }

    @Override
    public List<StoredObject> list(String prefix, String startAfter) throws IOException {
      return fs.list(prefix, startAfter);
    }

    @Override
    public void delete(String key) throws IOException {
      fs.delete(key);
    }

    @Override
    public String describe() {
      return "counting " + fs.describe();
    }
  }

  void marker(ObjectStore store, long start, long end) throws IOException {
    CommitMarker m =
        new CommitMarker("t", CLUSTER, TOPIC_ID, 0, start, end, 0, 1, Instant.EPOCH, List.of());
    assertThat(store.putIfAbsent(keys.markerKey("t", CLUSTER, TOPIC_ID, 0, start), m.toJson()))
        .isTrue();
  }

  @Test
  void aRestartFromTheLastMarkerReadsOnlyTheTailOfTheHistory() throws Exception {
    CountingStore store = new CountingStore(tmp);
    for (long s = 0; s < 100; s++) {
      marker(store, s * 10, s * 10 + 10);
    }
    store.gets.set(0);
    MarkerChain chain = MarkerChain.load(store, dir, 990);
    assertThat(chain.end()).isEqualTo(1000);
    assertThat(store.gets.get()).isEqualTo(1);

    // A hint that names no marker (it was lost, or the offset was reset): everything is read.
    store.gets.set(0);
    assertThat(MarkerChain.load(store, dir, 995).end()).isEqualTo(1000);
    assertThat(store.gets.get()).isEqualTo(100);
  }

  @Test
  void gapsAndOverlapsAreOffTheChain() throws Exception {
    CountingStore store = new CountingStore(tmp);
    marker(store, 0, 10);
    marker(store, 10, 20);
    marker(store, 15, 30); // overlaps [10, 20)
    marker(store, 40, 50); // after a gap [20, 40)
    MarkerChain chain = MarkerChain.load(store, dir, -1);
    assertThat(chain.end()).isEqualTo(20);
    assertThat(chain.links()).extracting(CommitMarker::start).containsExactly(0L, 10L);
    assertThat(chain.unreachable()).containsOnlyKeys(15L, 40L);
  }
}
