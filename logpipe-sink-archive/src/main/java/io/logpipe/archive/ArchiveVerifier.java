package io.logpipe.archive;

import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.RecordFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Checks an archive: per partition, the markers form one chain with no gap and no overlap; every
 * object a marker names exists with the size it records, inside the marker's range; optionally
 * ({@code deep}) every object decompresses to exactly the records and checksum its marker records,
 * each a valid record. Objects no marker names are orphans of crashes: counted, not errors (readers
 * ignore them). Stateless.
 */
public final class ArchiveVerifier {
  private final ArchiveReader reader;

  public ArchiveVerifier(ArchiveReader reader) {
    this.reader = reader;
  }

  /** What was checked and what is wrong. */
  public record Report(
      int partitions,
      long markers,
      long objects,
      long records,
      long orphans,
      List<String> problems,
      List<String> partitionLines) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public Report verify(List<String> topics, boolean deep) throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    List<ArchiveReader.Partition> partitions = reader.partitions(topics);
    Set<String> topicNames = new HashSet<>();
    partitions.forEach(p -> topicNames.add(p.topic()));
    Map<String, Long> data = reader.dataObjects(new ArrayList<>(topicNames));
    Set<String> referenced = new HashSet<>();
    long markers = 0;
    long objects = 0;
    long records = 0;
    for (ArchiveReader.Partition p : partitions) {
      MarkerChain chain = reader.chain(p);
      String where = p.topic() + " partition " + p.partition() + " (topic id " + p.topicId() + ")";
      markers += chain.links().size() + chain.unreachable().size();
      long end = chain.end();
      for (CommitMarker m : chain.unreachable().values()) {
        problems.add(
            where
                + ": marker ["
                + m.start()
                + ", "
                + m.end()
                + ") is not on the chain: "
                + (m.start() > end
                    ? "gap: offsets [" + end + ", " + m.start() + ") are in no marker"
                    : "overlap: offsets from " + m.start() + " are already covered"));
      }
      long partRecords = 0;
      for (CommitMarker m : chain.links()) {
        long sum = 0;
        for (CommitMarker.Entry e : m.objects()) {
          objects++;
          referenced.add(e.key());
          sum += e.records();
          if (e.first() < m.start() || e.last() >= m.end() || e.first() > e.last()) {
            problems.add(
                where
                    + ": object "
                    + e.key()
                    + " is outside its marker ["
                    + m.start()
                    + ", "
                    + m.end()
                    + ")");
          }
          Long size = data.get(e.key());
          if (size == null) {
            problems.add(where + ": missing object " + e.key());
            continue;
          }
          if (size != e.bytes()) {
            problems.add(
                where
                    + ": object "
                    + e.key()
                    + " has "
                    + size
                    + " bytes, marker says "
                    + e.bytes());
          }
          if (deep) {
            checkContent(where, e, problems);
          }
        }
        if (sum != m.records()) {
          problems.add(
              where
                  + ": marker at "
                  + m.start()
                  + " counts "
                  + m.records()
                  + " records, its objects "
                  + sum);
        }
        partRecords += sum;
      }
      records += partRecords;
      lines.add(
          String.format(
              java.util.Locale.ROOT,
              "%s p%d: %d markers, offsets [%d, %d), %d records",
              p.topic(),
              p.partition(),
              chain.links().size(),
              chain.links().isEmpty() ? 0 : chain.links().get(0).start(),
              Math.max(0, end),
              partRecords));
    }
    long orphans = data.keySet().stream().filter(k -> !referenced.contains(k)).count();
    return new Report(
        partitions.size(),
        markers,
        objects,
        records,
        orphans,
        List.copyOf(problems),
        List.copyOf(lines));
  }

  private void checkContent(String where, CommitMarker.Entry e, List<String> problems) {
    CRC32C crc = new CRC32C();
    try (InputStream in = reader.store().get(e.key())) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
      }
    } catch (NoSuchFileException ex) {
      return;
    } catch (IOException ex) {
      problems.add(where + ": cannot read " + e.key() + ": " + ex);
      return;
    }
    if (!String.format("%08x", crc.getValue()).equals(e.crc32c())) {
      problems.add(where + ": object " + e.key() + " does not match its checksum");
      return;
    }
    long[] count = {0};
    long[] bad = {0};
    try {
      reader.lines(
          e.key(),
          (line, len) -> {
            count[0]++;
            try {
              LogRecordJson.decode(line, 0, len);
            } catch (RecordFormatException ex) {
              bad[0]++;
            }
            return true;
          });
    } catch (IOException ex) {
      problems.add(where + ": object " + e.key() + " does not decompress: " + ex.getMessage());
      return;
    }
    if (count[0] != e.records()) {
      problems.add(
          where
              + ": object "
              + e.key()
              + " holds "
              + count[0]
              + " records, marker says "
              + e.records());
    }
    if (bad[0] > 0) {
      problems.add(
          where + ": object " + e.key() + " has " + bad[0] + " lines that are not records");
    }
  }
}
