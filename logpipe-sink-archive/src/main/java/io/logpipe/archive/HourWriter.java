package io.logpipe.archive;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

/**
 * The records of one (partition, hour) within one unit, compressed as they arrive into a staging
 * file. The compressed output depends only on the lines written and the codec settings, so a
 * rewrite of the same offset range gives the same bytes. Used by the consumer thread only.
 */
final class HourWriter implements AutoCloseable {
  final long hour;
  final Path file;
  long first = -1;
  long last = -1;
  long records;
  long rawBytes;
  long lastWriteNanos;
  Instant minTime;
  Instant maxTime;
  private final CountingCrc counter;
  private OutputStream out;

  /**
   * @param zstdWorkers threads of zstd's own that compress while the caller goes on (0: the caller
   *     compresses)
   */
  HourWriter(long hour, Path file, String compression, int zstdLevel, int zstdWorkers)
      throws IOException {
    this.hour = hour;
    this.file = file;
    this.counter = new CountingCrc(Files.newOutputStream(file));
    if (compression.equals("gzip")) {
      this.out = new GZIPOutputStream(counter, 64 * 1024);
    } else {
      ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(counter, zstdLevel);
      z.setChecksum(true);
      if (zstdWorkers > 0) {
        z.setWorkers(zstdWorkers);
        // Jobs of 1 MiB: compression starts early and each writer holds a few MiB at most.
        z.setJobSize(1 << 20);
      }
      this.out = new BufferedOutputStream(z, 64 * 1024);
    }
  }

  void write(long offset, byte[] line, Instant time) throws IOException {
    write(offset, line, 0, line.length, time);
  }

  /** Writes the line {@code b[off, off + len)} and its newline. */
  void write(long offset, byte[] b, int off, int len, Instant time) throws IOException {
    out.write(b, off, len);
    out.write('\n');
    if (first < 0) {
      first = offset;
      minTime = time;
      maxTime = time;
    } else {
      if (time.isBefore(minTime)) {
        minTime = time;
      }
      if (time.isAfter(maxTime)) {
        maxTime = time;
      }
    }
    last = offset;
    records++;
    rawBytes += len + 1;
  }

  /** Compressed bytes written to the staging file so far. */
  long stagedBytes() {
    return counter.count;
  }

  /** Finishes the compressed stream and closes the file. */
  @Override
  public void close() throws IOException {
    if (out != null) {
      OutputStream o = out;
      out = null;
      o.close();
    }
  }

  /** Closes and deletes the staging file (a discarded unit). */
  void discard() {
    try {
      close();
    } catch (IOException e) {
      // Deleted below anyway.
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover staging file is cleaned at the next start.
    }
  }

  String crc32c() {
    return String.format("%08x", counter.crc.getValue());
  }

  /** Counts and checksums the compressed bytes on their way to the file. */
  private static final class CountingCrc extends FilterOutputStream {
    final CRC32C crc = new CRC32C();
    long count;

    CountingCrc(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      count += len;
    }
  }
}
