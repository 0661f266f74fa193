package io.logpipe.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.logpipe.archive.store.ObjectStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Reads an archive the way every reader must: only objects named by a marker on a partition's chain
 * are live; objects without a marker (orphans of a crash) and markers off the chain are ignored.
 * Streams objects with on-the-fly decompression. Stateless apart from the store; thread-safe if the
 * store is.
 */
public final class ArchiveReader {
  private final ObjectStore store;
  private final ArchiveKeys keys;

  public ArchiveReader(ObjectStore store, String prefix) {
    this.store = store;
    this.keys = new ArchiveKeys(prefix);
  }

  public ObjectStore store() {
    return store;
  }

  public ArchiveKeys keys() {
    return keys;
  }

  /** One partition of one topic of one cluster, as the markers say. */
  public record Partition(
      String topic, String clusterId, String topicId, int partition, String markerDir) {}

  /** Every partition that has markers, for the given topics (empty: all). */
  public List<Partition> partitions(List<String> topics) throws IOException {
    Map<String, Partition> out = new TreeMap<>();
    for (ObjectStore.StoredObject o : store.list(keys.manifestRoot(), null)) {
      if (ArchiveKeys.markerStart(o.key()) < 0) {
        continue;
      }
      String rel = o.key().substring(keys.manifestRoot().length());
      String[] parts = rel.split("/");
      if (parts.length != 5 || !parts[3].startsWith("p=")) {
        continue;
      }
      if (!topics.isEmpty() && !topics.contains(parts[0])) {
        continue;
      }
      String dir = o.key().substring(0, o.key().lastIndexOf('/') + 1);
      out.computeIfAbsent(
          dir,
          d ->
              new Partition(
                  parts[0], parts[1], parts[2], Integer.parseInt(parts[3].substring(2)), d));
    }
    return new ArrayList<>(out.values());
  }

  /** The chain of one partition. */
  public MarkerChain chain(Partition p) throws IOException {
    return MarkerChain.load(store, p.markerDir(), -1);
  }

  /** A live object, with what its marker says about it. */
  public record LiveObject(Partition partition, CommitMarker.Entry entry) {}

  /**
   * The live objects of the given topics whose event times overlap {@code [from, to)} (null: open),
   * ordered by event hour, then topic, partition and offset.
   */
  public List<LiveObject> liveObjects(List<String> topics, Instant from, Instant to)
      throws IOException {
    List<LiveObject> out = new ArrayList<>();
    for (Partition p : partitions(topics)) {
      for (CommitMarker m : chain(p).links()) {
        for (CommitMarker.Entry e : m.objects()) {
          if ((to == null || e.minTime().isBefore(to))
              && (from == null || !e.maxTime().isBefore(from))) {
            out.add(new LiveObject(p, e));
          }
        }
      }
    }
    out.sort(
        Comparator.comparing((LiveObject o) -> hourDirOf(o.entry().key()))
            .thenComparing(o -> o.partition().topic())
            .thenComparingInt(o -> o.partition().partition())
            .thenComparingLong(o -> o.entry().first()));
    return out;
  }

  private static String hourDirOf(String key) {
    return key.substring(0, key.lastIndexOf('/'));
  }

  /** Opens an object, decompressed. */
  public InputStream open(String key) throws IOException {
    InputStream raw = new BufferedInputStream(store.get(key), 256 * 1024);
    try {
      if (key.endsWith(".zst")) {
        return new ZstdInputStreamNoFinalizer(raw);
      }
      if (key.endsWith(".gz")) {
        return new GZIPInputStream(raw, 64 * 1024);
      }
      return raw;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Receives lines of an object. */
  public interface LineSink {
    /** Returns false to stop reading. */
    boolean line(byte[] bytes, int length) throws IOException;
  }

  /**
   * Streams the NDJSON lines of an object (without the newline), decompressing as it reads: memory
   * stays at one read buffer plus the longest line. The array handed to the sink is reused.
   */
  public void lines(String key, LineSink sink) throws IOException {
    try (InputStream in = open(key)) {
      byte[] buf = new byte[256 * 1024];
      byte[] line = new byte[4096];
      int len = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            int part = i - from;
            if (len + part > line.length) {
              line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + part));
            }
            System.arraycopy(buf, from, line, len, part);
            len += part;
            if (!sink.line(line, len)) {
              return;
            }
            len = 0;
            from = i + 1;
          }
        }
        int rest = n - from;
        if (rest > 0) {
          if (len + rest > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + rest));
          }
          System.arraycopy(buf, from, line, len, rest);
          len += rest;
        }
      }
      if (len > 0) {
        sink.line(line, len);
      }
    }
  }

  /** Every data object under the given topics' directories, key to size. */
  public Map<String, Long> dataObjects(List<String> topics) throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : topics) {
      for (ObjectStore.StoredObject o : store.list(keys.topicRoot(t), null)) {
        out.put(o.key(), o.size());
      }
    }
    return out;
  }
}
