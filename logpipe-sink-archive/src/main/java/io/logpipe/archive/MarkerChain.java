package io.logpipe.archive;

import io.logpipe.archive.store.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The markers of one partition, walked as a chain: from the lowest start, each next marker starts
 * where the previous one ended. Markers are created only if absent and named by their start, so the
 * chain is unique; a marker that the walk does not reach is a gap (it starts after the chain's end)
 * or an overlap (it starts inside a range already covered) and is reported, never read. Immutable.
 *
 * @param links the markers of the chain, in offset order
 * @param unreachable markers not on the chain, by start
 */
public record MarkerChain(List<CommitMarker> links, Map<Long, CommitMarker> unreachable) {

  /** One past the last offset covered, or -1 if there is no marker. */
  public long end() {
    return links.isEmpty() ? -1 : links.get(links.size() - 1).end();
  }

  /** Builds the chain from markers (any order). */
  public static MarkerChain of(List<CommitMarker> markers) {
    TreeMap<Long, CommitMarker> byStart = new TreeMap<>();
    for (CommitMarker m : markers) {
      byStart.putIfAbsent(m.start(), m);
    }
    List<CommitMarker> links = new ArrayList<>();
    if (!byStart.isEmpty()) {
      CommitMarker m = byStart.remove(byStart.firstKey());
      while (m != null) {
        links.add(m);
        m = m.end() > m.start() ? byStart.remove(m.end()) : null;
      }
    }
    return new MarkerChain(List.copyOf(links), Map.copyOf(byStart));
  }

  /**
   * Reads a partition's markers and walks them.
   *
   * @param startHint a link point known to be on the chain (the committed Kafka offset), or -1:
   *     only markers from there on are read, which keeps a restart fast on a long archive. If no
   *     marker starts at the hint, every marker is read.
   */
  public static MarkerChain load(ObjectStore store, String markerDir, long startHint)
      throws IOException {
    if (startHint >= 0) {
      String from = markerDir + String.format(java.util.Locale.ROOT, "%020d.json", startHint);
      List<ObjectStore.StoredObject> listed = store.list(markerDir, keyBefore(from));
      if (!listed.isEmpty() && listed.get(0).key().equals(from)) {
        return of(read(store, listed));
      }
    }
    return of(read(store, store.list(markerDir, null)));
  }

  private static String keyBefore(String key) {
    // The greatest string below key in this key space: the keys differ only in digits.
    return key.substring(0, key.length() - 1);
  }

  private static List<CommitMarker> read(ObjectStore store, List<ObjectStore.StoredObject> listed)
      throws IOException {
    List<CommitMarker> out = new ArrayList<>();
    for (ObjectStore.StoredObject o : listed) {
      if (ArchiveKeys.markerStart(o.key()) < 0) {
        continue;
      }
      CommitMarker m = CommitMarker.parse(store.getBytes(o.key()));
      if (m.start() != ArchiveKeys.markerStart(o.key())) {
        throw new IOException("marker " + o.key() + " says start " + m.start());
      }
      out.add(m);
    }
    return out;
  }
}
